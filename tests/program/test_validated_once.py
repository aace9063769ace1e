"""Validated once: every rule joining two fields of a service runs in one place, on construction of the
spec that holds both (``ServiceSpec``, whose rules are ``service_spec_rules``), never again in this
program's config layer nor in a component's args.

The rules are read from the rule module itself (each function it defines, and each function of the
package those call), so a rule added there is counted without a list kept by hand."""

import ast
import importlib
import inspect
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

import pytest

from components.service import service_spec_rules
from tests.program.stacks import EXAMPLES, MAXIMAL, MAXIMAL_SECRET_KEYS, PLATFORM, run_config
from tests.source import parse
from tools.offline import RecordingMocks, run_program

ROOT = Path(__file__).resolve().parents[2]


def _rules() -> dict[str, FunctionType]:
    """The rule module's own functions."""
    return {
        name: value
        for name, value in vars(service_spec_rules).items()
        if isinstance(value, FunctionType) and value.__module__ == service_spec_rules.__name__
    }


def _callees() -> dict[str, FunctionType]:
    """The package's functions the rules call by name (the checks that do the work)."""
    called = {
        node.func.id
        for rule in _rules().values()
        for node in ast.walk(parse(inspect.getsource(rule)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    found = {name: getattr(service_spec_rules, name, None) for name in called}
    return {
        name: value
        for name, value in found.items()
        if isinstance(value, FunctionType) and value.__module__.startswith("components.") and name not in _rules()
    }


RULES, CALLEES = _rules(), _callees()


#: The package's two names: this repository's folder, and the installed name the examples import.
PACKAGES = ("components", "graviton_node_components")


def _holders(package: str) -> Iterator[tuple[ModuleType, str, str, FunctionType]]:
    """Every module attribute of ``package`` (and of the program) that is one of its rules or callees, by
    name: where a call finds it."""
    rules = importlib.import_module(f"{package}.service.service_spec_rules")
    importlib.import_module(f"{package}.service.service_spec")
    functions = {id(getattr(rules, name)): name for name in (*RULES, *CALLEES)}
    for module in list(sys.modules.values()):
        module_name = getattr(module, "__name__", "")
        if module_name.startswith(f"{package}.") or module_name == "settings":
            for attr, value in list(vars(module).items()):
                if isinstance(value, FunctionType) and id(value) in functions:
                    yield module, attr, functions[id(value)], value


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Each rule and callee, under either name of the package and wherever it is looked up, counting its
    calls."""
    calls: Counter[str] = Counter()

    def counting(name: str, function: FunctionType) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    for package in PACKAGES:
        for module, attr, name, function in list(_holders(package)):
            monkeypatch.setattr(module, attr, counting(name, function))
    return calls


def test_the_rules_and_what_they_call_are_found_in_the_rule_module() -> None:
    """Not vacuous: the drain, the batch limits, the range and the names are among them."""
    assert len(RULES) >= 5
    assert {"shutdown_budget_seconds", "check_rolling_percents", "check_desired", "check_names"} <= CALLEES.keys()


#: A stack with everything on: a route with a shifting strategy and a test header, autoscaling, secrets.
EVERYTHING = MAXIMAL | {"autoscaling": "true"}


def test_each_rule_runs_once_for_the_stack_s_service_from_config_to_registered_resources(
    counted: Counter[str],
) -> None:
    run = run_program("prod", EVERYTHING, secret_keys=list(MAXIMAL_SECRET_KEYS))
    assert run.mocks.one("aws:ecs/service:Service")
    assert {name: counted[name] for name in RULES} == dict.fromkeys(RULES, 1)
    # A worker's budget is the routed service's drain for a service without a route: not this one's.
    assert {name: counted[name] for name in CALLEES} == {name: int(name != "worker_budget_seconds") for name in CALLEES}


def test_each_rule_runs_once_for_a_worker_built_by_hand(counted: Counter[str]) -> None:
    mocks = RecordingMocks(stack_outputs={PLATFORM: run_config("dev").outputs})
    counted.clear()  # the platform's own service, if this run made it
    run_program("dev", mocks=mocks, root=EXAMPLES["worker"])
    assert {name: counted[name] for name in RULES} == dict.fromkeys(RULES, 1)
    ran = {"worker_budget_seconds", "check_desired", "check_names"}
    assert {name: counted[name] for name in CALLEES} == {name: int(name in ran) for name in CALLEES}


def _calls(tree: ast.AST) -> set[str]:
    """The names of the functions and methods ``tree`` calls."""
    return {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
    }


def test_the_program_s_config_layer_calls_no_rule_of_a_spec() -> None:
    """``settings.py`` builds specs; the specs run their rules."""
    assert _calls(parse((ROOT / "settings.py").read_text())) & (RULES.keys() | CALLEES.keys()) == set()


def _args_classes() -> Iterator[tuple[str, ast.ClassDef]]:
    for path in sorted((ROOT / "components").rglob("*.py")):
        for node in ast.walk(parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Args"):
                yield f"{path.relative_to(ROOT)}:{node.name}", node


def test_no_component_s_args_runs_a_rule_its_spec_has_run() -> None:
    """The args check only what joins their spec to their Inputs."""
    classes = dict(_args_classes())
    assert {"FargateServiceArgs", "ServiceRouteArgs"} <= {where.rsplit(":", 1)[1] for where in classes}
    again = {where: sorted(_calls(node) & (RULES.keys() | CALLEES.keys())) for where, node in classes.items()}
    assert {where: found for where, found in again.items() if found} == {}
