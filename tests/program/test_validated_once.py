"""Validated once: every rule joining two fields of a service runs in one place, on construction of the
spec that holds both (``ServiceSpec``, whose rules are ``service_spec_rules``), never again in this
program's config layer nor in a component's args.

The rules are read from the rule module itself (each function it defines, and each function of the
package those call), so a rule added there is counted without a list kept by hand."""

import ast
import importlib
import inspect
import pkgutil
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

import pytest

from components.service import service_spec_rules
from tests.program.stacks import EXAMPLES, MAXIMAL, MAXIMAL_SECRET_KEYS, PLATFORM, STACKS, run_config
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


#: Where the functions that run checks given them live (``collect``, ``raise_any``): they judge nothing.
COMBINATORS = ("components.errors",)


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
        if isinstance(value, FunctionType)
        and value.__module__.startswith("components.")
        and value.__module__ not in COMBINATORS
        and name not in _rules()
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


#: What only a rolling deployment's batch limits run (``rolling_batches``): a shifting one has its own rule.
ROLLING_ONLY = {"reachable_counts", "check_progress"}
#: A stack with everything on: a route with a shifting strategy and a test header, autoscaling, secrets.
EVERYTHING = MAXIMAL | {"autoscaling": "true"}


def test_each_rule_runs_once_for_the_stack_s_service_from_config_to_registered_resources(
    counted: Counter[str],
) -> None:
    run = run_program("prod", EVERYTHING, secret_keys=list(MAXIMAL_SECRET_KEYS))
    assert run.mocks.one("aws:ecs/service:Service")
    assert {name: counted[name] for name in RULES} == dict.fromkeys(RULES, 1)
    # A worker's budget is the routed service's drain for a service without a route, and the batches that must
    # move are a rolling deployment's: not this one's.
    skipped = {"worker_budget_seconds", *ROLLING_ONLY}
    assert {name: counted[name] for name in CALLEES} == {name: int(name not in skipped) for name in CALLEES}


def test_each_rule_runs_once_for_a_worker_built_by_hand(counted: Counter[str]) -> None:
    mocks = RecordingMocks(stack_outputs={PLATFORM: run_config("dev").outputs})
    counted.clear()  # the platform's own service, if this run made it
    run_program(STACKS["worker"], mocks=mocks, root=EXAMPLES["worker"])
    assert {name: counted[name] for name in RULES} == dict.fromkeys(RULES, 1)
    ran = {"worker_budget_seconds", "check_desired", "check_names", "reject_owned", "check_untuned"}
    ran |= {"check_values_kept", *ROLLING_ONLY}
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


# Every check, wherever it is: each function under components/ that can raise ConfigError, found from the
# source, runs at most once on the same arguments over a whole program run (a field judged once).


def _definitions() -> dict[tuple[str, str], tuple[bool, set[str]]]:
    """Each module-level function and method under components/ (``(module, "f")`` or ``(module, "C.f")``):
    whether it makes a ConfigError (or is ``raise_any``), and the names it calls."""
    found: dict[tuple[str, str], tuple[bool, set[str]]] = {}
    for path in sorted((ROOT / "components").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        tree = parse(path.read_text())
        scopes: list[tuple[str, ast.AST]] = [("", tree)]
        scopes += [(f"{node.name}.", node) for node in tree.body if isinstance(node, ast.ClassDef)]
        for prefix, scope in scopes:
            for node in getattr(scope, "body", []):
                if isinstance(node, ast.FunctionDef):
                    makes = node.name == "raise_any" or any(
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Name)
                        and call.func.id in ("ConfigError", "CombinedConfigError")
                        for call in ast.walk(node)
                    )
                    found[module, prefix + node.name] = (makes, _calls(node))
    return found


def _checks() -> set[tuple[str, str]]:
    """The functions that can raise ConfigError: those that make one, and (to a fixed point) those that call
    one of them by name (a constructor's name excepted: every class has one)."""
    definitions = _definitions()
    checks = {where for where, (makes, _) in definitions.items() if makes}
    while True:
        names = {qualname.rsplit(".", 1)[-1] for _, qualname in checks} - {"__init__"}
        more = {where for where, (_, calls) in definitions.items() if calls & names} - checks
        if not more:
            return checks
        checks |= more


#: Not counted: the combinators (they run the checks given them), the mocks' harness, a component's
#: constructor (each call builds a new resource; the checks it runs are counted), and properties.
UNCOUNTED_MODULES = (*COMBINATORS, "components.testing", "components.stack_files")

#: A check that may run twice on the same value in one run, and why.
TWICE_ALLOWED = {
    "components.secrets_key.check_deployer_role_arn": "the deploying role outside the project's path: a "
    "program's config mistake, reported with the others before its first resource (settings.py); FargateTaskArgs "
    "again when built, the first a component knows the role path",
    "components.service.autoscaling_rules.check_timezone": "each schedule's own time zone: the maximal "
    "config's two schedules share one",
    "ServiceRoute.check_name": "a FargateService checks the names its route will give before it registers "
    "its first child; a ServiceRoute, a component of its own, checks them when it is built",
    "components.edge.alb_rules.autonamed_elb_names": "the route's names, as ServiceRoute.check_name above",
    "FargateService.check_spec": "a program checks what a spec needs of its stack before its first "
    "resource; the FargateService again when built (as ServiceRoute.check_name above)",
    "components.service.sidecar.check_pullable_under_default_boundary": "FargateService.check_spec's rule",
    "components.edge.service_route_args.check_alarm_dimension": "the route's alarms' dimension, as "
    "ServiceRoute.check_name above: FargateServiceArgs before the first child, ServiceRouteArgs when built",
    "components.service.deployment_strategy.check_rollback": "a shifting strategy without alarms is the "
    "program's config mistake, reported with the others (settings.py); FargateServiceArgs again when built, as "
    "check_alarm_dimension above",
    "components.observability.unhealthy_window.check_grace_period": "a grace period and a deployment the "
    "unhealthy-target alarm cannot wait out is a config mistake of the program's (settings.py), and "
    "FargateServiceArgs' when built, as check_rollback above",
    "components.service.deploy_time.check_deploy_time": "a deployment that cannot end within the CI session "
    "is the program's config mistake (settings.py), and FargateServiceArgs' when built, as check_rollback above",
    "components.edge.elb_log_delivery.log_delivery_principal": "the load balancer learns its region from the "
    "provider, inside an apply; the program's config layer, which knows the stack's aws:region, runs the "
    "rule first so that the mistake shows before anything is registered (docs/decisions.md, Validated once)",
    "components.edge.domain.check_hosted_zone": "a domain its zone cannot hold is the program's config mistake, "
    "reported before its first resource (HttpsDomain.check_zone in __main__.py, which then builds the load "
    "balancer with check_zone=False); HttpsDomain checks it when built for other programs",
}

#: Fields that are different settings but may hold equal values, which a shared validator then judges
#: twice: each is its own field's value, not one value passed on.
EQUAL_BY_CHANCE = {
    frozenset({"Alarms.cpu_percent", "Alarms.memory_percent"}): "two thresholds, both 80 by default",
}


def _is_field(value: Any) -> bool:
    """A field's name (``Spec.field``), which a shared validator takes first to name its error."""
    return isinstance(value, str) and bool(re.fullmatch(r"[A-Z]\w*\.\w+", value))


def _judged(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """What a check judges: its arguments less the field names it reports under, so that one value judged
    under two fields' names (the same retention as a service's and a cluster's) counts twice."""
    kept = tuple(arg for arg in args if not _is_field(arg))
    return _shown((kept, sorted((key, value) for key, value in kwargs.items() if not _is_field(value))))


def _shown(value: Any) -> str:
    try:
        return repr(value)
    except Exception:  # an object half built
        return f"<{type(value).__name__} {id(value)}>"


def _import_every_module() -> None:
    """Every module of both package names, before the checks are looked up where they are held: a module
    first imported later would hold the unwrapped function."""
    for package in PACKAGES:
        root = importlib.import_module(package)
        for found in pkgutil.walk_packages(root.__path__, f"{package}."):
            importlib.import_module(found.name)
    importlib.import_module("settings")


#: The field names each counted (check, value) was judged under, in the last run.
FIELDS: dict[tuple[str, str], list[str]] = {}


#: The args of a component of its own, which judge their plain values when it is built alone (docs/reuse.md:
#: "the components validate their own inputs before registering anything"); a parent component or a program
#: handing one a value judged where it was set has it judged again, as ``ServiceRoute.check_name`` above.
OWN_ARGS = ("FargateTaskArgs.", "TaskCounterArgs.", "SmokeTestArgs.", "ServiceRouteArgs.", "LoadBalancerArgs.")


def _by_chance(fields: list[str]) -> str | None:
    """Why equal values of these fields are no duplicate, if they are distinct settings listed as such, or
    one setting handed on to components' own args, each judging it once."""
    if len(set(fields)) != len(fields) or len(fields) < 2:
        return None
    if sum(not field.startswith(OWN_ARGS) for field in fields) <= 1:
        return "handed on to the args of a component of its own (OWN_ARGS)"
    return EQUAL_BY_CHANCE.get(frozenset(fields))


@pytest.fixture
def every_check_counted(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, str]]:
    """Each check's calls, by (name, what it judges), under either name of the package and wherever a
    module-level one is looked up."""
    calls: Counter[tuple[str, str]] = Counter()

    def counting(name: str, function: FunctionType) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            judged = _judged(args, kwargs)
            calls[name, judged] += 1
            FIELDS.setdefault((name, judged), []).extend(arg for arg in args if _is_field(arg))
            return function(*args, **kwargs)

        return wrapper

    _import_every_module()
    FIELDS.clear()
    modules = [
        m
        for m in list(sys.modules.values())
        if getattr(m, "__name__", "").startswith(PACKAGES) or getattr(m, "__name__", "") == "settings"
    ]
    for package in PACKAGES:
        for module_name, qualname in sorted(_checks()):
            if module_name.startswith(UNCOUNTED_MODULES) or qualname.endswith(".__init__"):
                continue
            module = importlib.import_module(module_name.replace("components", package, 1))
            if "." in qualname:
                owner, attr = qualname.split(".")
                cls = getattr(module, owner)
                raw = vars(cls)[attr]
                if isinstance(raw, staticmethod):
                    monkeypatch.setattr(cls, attr, staticmethod(counting(qualname, raw.__func__)))
                elif isinstance(raw, FunctionType):
                    monkeypatch.setattr(cls, attr, counting(qualname, raw))
                continue
            function = getattr(module, qualname)
            wrapper = counting(f"{module_name}.{qualname}", function)
            for holder in modules:
                for attr, value in list(vars(holder).items()):
                    if value is function:
                        monkeypatch.setattr(holder, attr, wrapper)
    return calls


def test_the_checks_are_found_from_the_source_and_cover_the_specs_the_rules_and_the_validators() -> None:
    """Not vacuous: a spec's ``__post_init__``, a rule, a shared validator, a component's name check."""
    checks = {f"{module}.{qualname}" for module, qualname in _checks()}
    assert {
        "components.service.service_spec.ServiceSpec.__post_init__",
        "components.edge.load_balancer_spec.LoadBalancerSpec.__post_init__",
        "components.service.service_spec_rules.check_environment",
        "components.validation.int_in_range",
        "components.service.capacity_strategy.validate_strategy",
        "components.edge.service_route.ServiceRoute.check_name",
    } <= checks
    assert len(checks) > 80


def test_no_check_judges_the_same_value_twice_from_config_to_registered_resources(
    every_check_counted: Counter[tuple[str, str]],
) -> None:
    run_program("prod", EVERYTHING | {"accessLogs": "true"}, secret_keys=list(MAXIMAL_SECRET_KEYS))
    ran = {name for name, _ in every_check_counted}
    assert {"ServiceSpec.__post_init__", "Tuning.__post_init__", "components.validation.int_in_range"} <= ran
    twice = sorted(
        f"{name} x{count} {FIELDS.get((name, judged))}: {judged[:160]}"
        for (name, judged), count in every_check_counted.items()
        if count > 1 and name not in TWICE_ALLOWED and _by_chance(FIELDS.get((name, judged), [])) is None
    )
    assert not twice, "\n".join(twice)


def test_a_value_judged_under_two_fields_names_counts_twice(every_check_counted: Counter[tuple[str, str]]) -> None:
    """Not vacuous: the count ignores the name a value is judged under."""
    from components import validation

    validation.log_retention("ServiceSpec.log_retention_days", 30)
    validation.log_retention("ClusterSpec.log_retention_days", 30)
    assert every_check_counted["components.validation.log_retention", _judged((30,), {})] == 2
