"""``ecs:ListTasks`` has no resource form: the pack allows it on ``*`` only when an ``ecs:cluster``
condition names one cluster. Held to the IAM model's condition operators (``tests/models/iam.py``):
whenever the pack takes a condition as naming one cluster, IAM lets no other cluster's ARN through it,
``*`` and ``?`` being wildcards to ``ArnEquals``, ``ArnLike`` and ``StringLike``."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from tests.models import iam
from tests.policy.engine import violations

CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod"
OTHERS = [
    "arn:aws:ecs:us-east-1:123456789012:cluster/prox",
    "arn:aws:ecs:us-east-1:123456789012:cluster/dev1",
    "arn:aws:ecs:us-west-2:123456789012:cluster/prod",
    "arn:aws:ecs:us-east-1:999999999999:cluster/prod",
]


@st.composite
def _values(draw: st.DrawFn) -> str:
    """The cluster's ARN with some characters turned into wildcards."""
    chars = list(CLUSTER)
    for index in draw(st.lists(st.integers(0, len(chars) - 1), max_size=3)):
        chars[index] = draw(st.sampled_from("*?"))
    return "".join(chars)


@examples(max_examples=300, deadline=None)
@given(
    operator=st.sampled_from(["ArnEquals", "ArnLike", "StringEquals", "StringLike"]),
    key=st.sampled_from(["ecs:cluster", "ECS:Cluster"]),
    value=_values(),
)
def test_a_cluster_condition_the_pack_accepts_admits_that_cluster_alone(operator: str, key: str, value: str) -> None:
    condition = {operator: {key: value}}
    statement = {"Effect": "Allow", "Action": "ecs:ListTasks", "Resource": "*", "Condition": condition}
    found = violations("aws:iam/rolePolicy:RolePolicy", {"policy": json.dumps({"Statement": [statement]})})
    accepted = not [m for m in found if "ecs:ListTasks on every resource" in m]
    admitted = [arn for arn in [CLUSTER, *OTHERS] if iam.condition_holds(condition, {"ecs:cluster": arn})]
    if accepted:
        assert admitted == [CLUSTER]
    if len(admitted) > 1:
        assert not accepted
