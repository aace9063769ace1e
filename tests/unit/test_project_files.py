"""The test helpers read a consumer's project as the Pulumi CLI does (``tests/models/pulumi_project_config.py``):
every form of a Pulumi.yaml ``config:`` entry with every kind of stack value, where the stack file is
(``stackConfigDir``), what runs (``main``), and a file rewritten between runs."""

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.stack_files import StackFileError, stack_config
from components.testing import run_program
from tests.models import pulumi_project_config as cli

KEYS = ("size", "orders:size", "aws:region")
ENTRIES: tuple[Any, ...] = (
    "eu-west-1",
    2,
    True,
    ["a", "b"],
    0.5,
    None,
    {},
    {"default": 3},
    {"value": "x"},
    {"default": 1, "value": 2},
    {"type": "integer", "default": 3},
    {"type": "integer", "default": "three"},
    {"type": "string"},
    {"type": "boolean", "default": True},
    {"type": "array", "items": {"type": "string"}, "default": ["a"]},
    {"type": "array", "default": ["a"]},
    {"type": "number"},
    {"type": "string", "secret": True},
    {"type": "string", "secret": True, "default": "x"},
    {"defualt": 1},
)
#: What the stack file sets the key to; None: the stack file does not exist.
STACK_VALUES: tuple[Any, ...] = (None, "absent", "5", 7, True, "yes", ["x"], {"secure": "v1:abc"})


def project(root: Path, block: dict[str, Any], stack: dict[str, Any] | None, **project_keys: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    document = {"name": "orders", "runtime": "python", "config": block, **project_keys}
    (root / "Pulumi.yaml").write_text(yaml.safe_dump(document))
    if stack is not None:
        where = root / project_keys.get("stackConfigDir", "")
        where.mkdir(parents=True, exist_ok=True)
        (where / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": stack}))
    return root


def package_reading(root: Path) -> dict[str, Any] | str:
    try:
        config = stack_config(root, "dev")
    except StackFileError as error:
        return f"refused: {error}"
    return {key: json.loads(value) if value.startswith("[") else value for key, value in config.items()}


def test_every_config_entry_with_every_stack_value_reads_as_the_cli_reads_it(tmp_path: Path) -> None:
    """Shorthands, ``value`` and ``default``, keys in the project's namespace or another's, types and
    secrets: the helpers refuse exactly what the CLI refuses, and give the program what it gives."""
    differ = []
    for n, (key, entry, given) in enumerate(itertools.product(KEYS, ENTRIES, STACK_VALUES)):
        values = {} if given in (None, "absent") else {key: given}
        expected = cli.run("orders", "dev", {key: entry}, values)
        got = package_reading(project(tmp_path / str(n), {key: entry}, None if given is None else values))
        if isinstance(expected, dict) and isinstance(got, dict):
            # An encrypted value reads as a stand-in offline: that it is there is what can be compared.
            expected = {k: "(encrypted)" if isinstance(v, dict) else v for k, v in expected.items()}
            got = {k: "(encrypted)" if str(v).startswith("PULUMISECRET") else v for k, v in got.items()}
        if isinstance(expected, str) != isinstance(got, str) or (isinstance(expected, dict) and expected != got):
            differ.append(f"{key}: {entry!r} with stack value {given!r}: CLI {expected!r}, helpers {got!r}")
    assert differ == []


def test_a_region_set_only_in_pulumi_yaml_is_the_region_the_mocks_answer_in(tmp_path: Path) -> None:
    root = project(tmp_path, {"aws:region": "eu-west-1", "desiredCount": 3}, {})
    (root / "__main__.py").write_text("import pulumi\npulumi.export('count', pulumi.Config().get('desiredCount'))\n")
    run = run_program(root, "dev")
    assert (run.mocks.region, run.outputs) == ("eu-west-1", {"count": "3"})


def test_the_stack_files_value_wins_over_the_projects(tmp_path: Path) -> None:
    root = project(tmp_path, {"aws:region": "eu-west-1", "size": 2}, {"aws:region": "us-west-2", "orders:size": 4})
    assert stack_config(root, "dev") == {"aws:region": "us-west-2", "orders:size": "4"}


def test_a_stack_without_a_stack_file_has_the_projects_config_only(tmp_path: Path) -> None:
    root = project(tmp_path, {"size": 2}, None)
    assert stack_config(root, "dev") == {"orders:size": "2"}


def test_the_stack_file_is_read_from_stack_config_dir(tmp_path: Path) -> None:
    root = project(tmp_path, {}, {"size": "1"}, stackConfigDir="config")
    assert not (root / "Pulumi.dev.yaml").exists()
    assert stack_config(root, "dev") == {"orders:size": "1"}


@pytest.mark.parametrize(("main", "program"), [("src/", "src/__main__.py"), ("app/run.py", "app/run.py")])
def test_main_names_the_program_run_in_its_own_directory(tmp_path: Path, main: str, program: str) -> None:
    """A directory's ``__main__.py`` runs in that directory, a file in its own (``getPwdMain``)."""
    root = project(tmp_path, {}, {}, main=main)
    (root / program).parent.mkdir(parents=True)
    (root / program).write_text("import os, pulumi\npulumi.export('cwd', os.getcwd())\n")
    assert run_program(root, "dev").outputs == {"cwd": str((root / program).parent)}


def test_a_main_that_is_not_there_is_refused_naming_it(tmp_path: Path) -> None:
    root = project(tmp_path, {}, {}, main="src/")
    with pytest.raises(StackFileError, match="project 'main' could not be read"):
        run_program(root, "dev")


def test_a_stack_file_rewritten_between_runs_is_read_anew(tmp_path: Path) -> None:
    root = project(tmp_path, {}, {"x": "1"})
    (root / "__main__.py").write_text("import pulumi\npulumi.export('x', pulumi.Config().get('x'))\n")
    seen = []
    for value in ("1", "2", "3"):
        (root / "Pulumi.dev.yaml").write_text(f"config:\n  orders:x: '{value}'\n")
        seen.append(run_program(root, "dev").outputs["x"])
    assert seen == ["1", "2", "3"]


def test_a_default_for_another_namespaces_key_is_refused_saying_it_takes_a_value(tmp_path: Path) -> None:
    root = project(tmp_path, {"aws:region": {"default": "eu-west-1"}}, {})
    with pytest.raises(StackFileError) as error:
        stack_config(root, "dev")
    assert error.value.lines == (
        "Pulumi.yaml: config key 'aws:region' is not the project's: it takes 'value', not 'default'",
        "Pulumi.yaml: config key 'aws:region' is namespaced (not the project's) and must provide an attribute 'value'",
    )


def test_required_keys_the_stack_leaves_unset_are_named_together_as_the_cli_names_them(tmp_path: Path) -> None:
    root = project(tmp_path, {"b": {"type": "string"}, "a": {}, "orders:c": {"type": "integer"}}, {"b": "x"})
    with pytest.raises(StackFileError) as error:
        stack_config(root, "dev")
    assert error.value.lines == ("Stack 'dev' is missing configuration values 'a' and 'orders:c'",)
