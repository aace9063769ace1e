"""Run this project's program (or any Pulumi code) under recording mocks: no AWS, no Pulumi CLI, no plugins.

Used by the tests and by ``tools/plan.py``. The mocks themselves are the package's
(``components/testing.py``, installed as ``graviton_node_components.testing`` for other projects);
this module points them at this repository: its project name and its ``Pulumi.<stack>.yaml`` files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from components import testing
from components.secrets_key import deployer_account
from components.stack_files import StackFileError
from components.testing import DEFAULT_ACCOUNT, DEFAULT_REGION, RecordingMocks, Registered, Run, mock_arn

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "graviton-node"
#: The account and region of this project's stacks (``Pulumi.<stack>.yaml``'s ``aws:region``) and of
#: component runs that set none.
ACCOUNT = DEFAULT_ACCOUNT
REGION = DEFAULT_REGION

__all__ = [
    "ACCOUNT",
    "PROJECT",
    "REGION",
    "ROOT",
    "RecordingMocks",
    "Registered",
    "Run",
    "StackFileError",
    "main_program",
    "mock_arn",
    "run_mocked",
    "run_program",
    "stack_config",
]


def run_mocked(
    program: Callable[[], None],
    config: Mapping[str, str] | None = None,
    stack: str = "dev",
    mocks: RecordingMocks | None = None,
    project: str = PROJECT,
    preview: bool = False,
    secret_keys: list[str] | None = None,
) -> Run:
    """``testing.run_mocked`` in this project (its URNs name it)."""
    return testing.run_mocked(program, config, stack, mocks, project, preview, secret_keys)


def stack_config(stack: str, root: Path = ROOT) -> dict[str, str]:
    """``testing.stack_config`` of this project by default."""
    return testing.stack_config(root, stack)


def run_program(
    stack: str = "dev",
    overrides: Mapping[str, str] | None = None,
    mocks: RecordingMocks | None = None,
    root: Path = ROOT,
    preview: bool = False,
    secret_keys: list[str] | None = None,
) -> Run:
    """``testing.run_program`` of this project by default (``root`` for an example's). Fresh mocks answer in
    the account of the role that deploys the stack (``deployerRoleArn``) when ``aws:allowedAccountIds`` names
    none: that role must be of the stack's account (the program compares it with the caller's), so a stack
    file naming its real one runs offline instead of being refused for the mocks' made-up account."""
    project = testing.project_name(root)
    mocks = mocks or RecordingMocks(account_from=lambda config: _deploying_account(config, project))
    return testing.run_program(root, stack, overrides, mocks, preview, secret_keys)


def _deploying_account(config: Mapping[str, str], project: str) -> str | None:
    """The account of the stack's ``deployerRoleArn`` in its whole config, overrides merged, as the run reads
    it; None when it names no role."""
    return deployer_account(config.get(f"{project}:deployerRoleArn", ""))


def main_program(root: Path = ROOT) -> Callable[[], None]:
    """``testing.main_program`` of this project by default."""
    return testing.main_program(root)
