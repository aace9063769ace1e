"""The platform stack and the second-service example on one listener, routed as the ALB routes.

Both programs run under mocks; their registered listener rules go onto a model of the listener
(``tests/models/alb.py``): lowest priority first, first match wins, then the default action.
"""

from pathlib import Path

import pytest
from graviton_node_components import ConfigError as InstalledConfigError
from graviton_node_components.testing import RecordingMocks, Run, main_program, run_mocked, run_program, stack_config
from hypothesis import given
from hypothesis import strategies as st

from components.edge.alb_rules import LAST_PRIORITY
from components.edge.route_spec import RouteSpec
from components.errors import ConfigError
from tests.models.alb import Listener, Rule, RuleRefusedError
from tests.program.stacks import STACKS, TEST_HEADER, recorded_run

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "second-service"
PLATFORM = "acme/graviton-node/dev"
RULE = "aws:lb/listenerRule:ListenerRule"
STACK = STACKS["second-service"]


def listener_of(platform: Run, *others: Run) -> Listener:
    (default,) = platform.mocks.one("aws:lb/listener:Listener").inputs["defaultActions"]
    listener = Listener(default=f"fixed-response {default['fixedResponse']['statusCode']}")
    for run in (platform, *others):
        targets = {r.outputs["arn"]: r.name for r in run.mocks.resources if r.type == "aws:lb/targetGroup:TargetGroup"}
        for rule in run.mocks.inputs_of(RULE):
            listener.add_registered(rule, targets)
    return listener


@pytest.fixture(scope="module")
def platform() -> Run:
    return recorded_run("dev")


def example(platform: Run, **config: str) -> Run:
    return run_program(EXAMPLE, STACK, config, mocks=RecordingMocks(stack_outputs={PLATFORM: platform.outputs}))


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/", "dev-app-tg"),
        ("/health", "dev-app-tg"),
        ("/api", f"{STACK}-api-tg"),
        ("/api/x", f"{STACK}-api-tg"),
        ("/api/x?y=1", f"{STACK}-api-tg"),
        ("/apix", "dev-app-tg"),
        ("/API", "dev-app-tg"),
    ],
)
def test_each_path_reaches_its_services_target_group(platform: Run, path: str, target: str) -> None:
    assert listener_of(platform, example(platform)).route(path) == target


def test_the_platform_alone_serves_every_path(platform: Run) -> None:
    listener = listener_of(platform)
    assert {listener.route(p) for p in ("/", "/api", "/anything/else")} == {"dev-app-tg"}


def test_a_second_service_at_any_free_priority_is_reachable(platform: Run) -> None:
    for priority in ("1", "49998"):
        listener = listener_of(platform, example(platform, listenerRulePriority=priority))
        assert listener.route("/api/x") == f"{STACK}-api-tg"


def test_no_priority_the_example_accepts_is_one_a_platform_rule_holds_test_rule_included() -> None:
    """A platform deploying by canary with a test header holds its catch-all's priority and its test
    rule's (ELB refuses a second rule at either: ``PriorityInUse``); the example refuses both."""
    shifting = recorded_run(
        "dev",
        {"deploymentStrategy": "canary", "deploymentTestHeader": TEST_HEADER, "alarms": "true"},
        ["deploymentTestHeader"],
    )
    held = {int(rule["priority"]) for rule in shifting.mocks.inputs_of(RULE)}
    assert held == {49999, 50000}
    for priority in held:
        mocks = RecordingMocks(stack_outputs={PLATFORM: shifting.outputs})
        with pytest.raises(InstalledConfigError) as error:  # the example's, as installed
            run_program(EXAMPLE, STACK, {"listenerRulePriority": str(priority)}, mocks=mocks)
        assert (error.value.key, error.value.value) == ("listenerRulePriority", priority)
        assert mocks.resources == []


def test_the_model_refuses_what_the_alb_refuses() -> None:
    listener = Listener(default="404")
    listener.add(Rule(100, ("/a",), "a"))
    with pytest.raises(RuleRefusedError):
        listener.add(Rule(100, ("/b",), "b"))
    with pytest.raises(RuleRefusedError):
        listener.add(Rule(101, ("/1", "/2", "/3", "/4"), "c"))


def test_under_the_old_priority_the_catch_all_would_hide_the_example(platform: Run) -> None:
    """The model is not vacuous: the platform's /* at 100 (the old default) swallows /api."""
    listener = Listener(default="404")
    listener.add(Rule(100, ("/*",), "dev-app-tg"))
    listener.add(Rule(200, ("/api", "/api/*"), f"{STACK}-api-tg"))
    assert listener.route("/api/x") == "dev-app-tg"


def test_the_example_names_its_own_priority_or_refuses_to_run_with_nothing_registered(platform: Run) -> None:
    """No default priority: one would collide with another stack's, or with the platform's catch-all."""
    config = {k: v for k, v in stack_config(EXAMPLE, STACK).items() if not k.endswith(":listenerRulePriority")}
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    with pytest.raises(InstalledConfigError) as error:  # the example's, as installed
        run_mocked(main_program(EXAMPLE), config, STACK, mocks, "graviton-node-api")
    assert (error.value.key, error.value.value) == ("listenerRulePriority", None)
    assert mocks.resources == []


def test_a_route_cannot_be_built_without_a_priority_of_its_own() -> None:
    """``ServiceSpec()`` defaults used to give every route 50000: on the platform's listener the ALB
    refuses it (``PriorityInUse``), or, with the platform's rule elsewhere, the catch-all is taken."""
    with pytest.raises(TypeError, match="listener_rule_priority"):
        RouteSpec(path_patterns=("/api",))  # type: ignore[call-arg]
    listener = Listener(default="404")
    listener.add(Rule(LAST_PRIORITY, ("/*",), "dev-app-tg"))
    with pytest.raises(RuleRefusedError, match="PriorityInUse"):
        listener.add(Rule(LAST_PRIORITY, ("/api",), f"{STACK}-api-tg"))


_SEGMENT = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=20)


@given(segment=_SEGMENT, priority=st.integers(1, LAST_PRIORITY - 1))
def test_every_non_catch_all_route_the_spec_accepts_is_reached_beside_the_platform_s_catch_all(
    segment: str, priority: int
) -> None:
    route = RouteSpec(path_patterns=(f"/{segment}", f"/{segment}/*"), listener_rule_priority=priority)
    listener = Listener(default="404")
    listener.add(Rule(LAST_PRIORITY, ("/*",), "platform"))
    listener.add(Rule(route.listener_rule_priority, route.path_patterns, "second"))
    assert listener.route(f"/{segment}") == listener.route(f"/{segment}/x") == "second"
    assert listener.route(f"/{segment}x/y") == listener.route("/") == "platform"


@given(priority=st.integers(1, LAST_PRIORITY - 1))
def test_a_second_catch_all_is_refused_anywhere_it_would_shadow_the_platform(priority: int) -> None:
    with pytest.raises(ConfigError) as error:
        RouteSpec(listener_rule_priority=priority)
    assert error.value.key == "RouteSpec.listener_rule_priority"
