"""The platform stack and the second-service example on one listener, routed as the ALB routes.

Both programs run under mocks; their registered listener rules go onto a model of the listener
(``tests/models/alb.py``): lowest priority first, first match wins, then the default action.
"""

from pathlib import Path

import pytest
from graviton_node_components.testing import RecordingMocks, Run, run_program

from tests.models.alb import Listener, Rule, RuleRefusedError
from tests.program.stacks import recorded_run

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "second-service"
PLATFORM = "acme/graviton-node/dev"
RULE = "aws:lb/listenerRule:ListenerRule"


def listener_of(platform: Run, *others: Run) -> Listener:
    (default,) = platform.mocks.one("aws:lb/listener:Listener").inputs["defaultActions"]
    listener = Listener(default=f"fixed-response {default['fixedResponse']['statusCode']}")
    for run in (platform, *others):
        targets = {
            run.mocks.arn(r.type, r.name): r.name
            for r in run.mocks.resources
            if r.type == "aws:lb/targetGroup:TargetGroup"
        }
        for rule in run.mocks.inputs_of(RULE):
            listener.add_registered(rule, targets)
    return listener


@pytest.fixture(scope="module")
def platform() -> Run:
    return recorded_run("dev")


def example(platform: Run, **config: str) -> Run:
    return run_program(EXAMPLE, "dev", config, mocks=RecordingMocks(stack_outputs={PLATFORM: platform.outputs}))


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/", "dev-app-tg"),
        ("/health", "dev-app-tg"),
        ("/api", "dev-api-tg"),
        ("/api/x", "dev-api-tg"),
        ("/api/x?y=1", "dev-api-tg"),
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
    for priority in ("1", "49999"):
        listener = listener_of(platform, example(platform, listenerRulePriority=priority))
        assert listener.route("/api/x") == "dev-api-tg"


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
    listener.add(Rule(200, ("/api", "/api/*"), "dev-api-tg"))
    assert listener.route("/api/x") == "dev-app-tg"
