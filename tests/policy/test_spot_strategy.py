"""``ecs-service-spot-strategy`` asks for Spot beyond the on-demand base: held to where ECS places the tasks
(``tests/models/ecs_placement.py``), the pack reports a strategy exactly when no task beyond the bases
lands on FARGATE_SPOT."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from tests.models import ecs_placement
from tests.policy.engine import violations

SERVICE = "aws:ecs/service:Service"
_ITEM = st.fixed_dictionaries({"base": st.integers(0, 2), "weight": st.integers(0, 3)})


@examples(max_examples=200, deadline=None)
@given(
    providers=st.sampled_from([["FARGATE", "FARGATE_SPOT"], ["FARGATE_SPOT", "FARGATE"], ["FARGATE"]]),
    items=st.lists(_ITEM, min_size=2, max_size=2),
)
def test_the_pack_reports_a_strategy_exactly_when_no_task_beyond_the_base_runs_on_spot(
    providers: list[str], items: list[dict[str, Any]]
) -> None:
    strategy = [{"capacityProvider": p, **item} for p, item in zip(providers, items, strict=False)]
    assume(sum(1 for i in strategy if i["base"]) <= 1 and any(i["weight"] for i in strategy))  # what ECS accepts
    bases = sum(i["base"] for i in strategy)

    def on_spot(desired: int) -> int:
        return ecs_placement.place(strategy, desired).get("FARGATE_SPOT", 0)

    beyond = on_spot(bases + 12) - on_spot(bases)
    found = violations(
        SERVICE,
        {"capacityProviderStrategies": strategy, "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )
    reported = [m for m in found if m.startswith("ecs-service-spot-strategy:") and "FARGATE_SPOT" in m]
    assert bool(reported) == (beyond == 0), (strategy, found)
