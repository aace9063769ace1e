"""The IAM evaluation model (``tests/models/iam.py``) decides as the IAM User Guide says IAM does: the
rules the deployer, boundary and key policy tests rely on, each shown on a small policy."""

from typing import Any

import pytest

from tests.models import iam
from tests.models.iam import Request

ROLE = "arn:aws:iam::123456789012:role/graviton-node/dev/r"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Allow", **fields}


def test_nothing_is_allowed_without_an_allow() -> None:
    assert iam.verdict([policy()], Request("s3:GetObject", "arn:aws:s3:::b/k")) == "ImplicitDeny"


def test_an_explicit_deny_wins_over_any_allow() -> None:
    both = policy(allow(Action="s3:*", Resource="*"), {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"})
    assert iam.verdict([both], Request("s3:GetObject", "arn:aws:s3:::b/k")) == "Deny"


@pytest.mark.parametrize(
    ("pattern", "arn", "matches"),
    [
        ("arn:aws:iam::1:role/p/s/*", "arn:aws:iam::1:role/p/s/x", True),
        ("arn:aws:iam::1:role/p/s/*", "arn:aws:iam::1:role/p/other/x", False),
        ("arn:aws:iam::1:role/p/dev/*", "arn:aws:iam::1:role/p/dev-eu/x", False),
        ("arn:aws:ecr:r:1:repository/dev-*", "arn:aws:ecr:r:1:repository/dev-app-repo-0a1b2c3", True),
        ("arn:aws:ecr:r:1:repository/dev-*", "arn:aws:ecr:r:1:repository/prod-app-repo-0a1b2c3", False),
        ("arn:aws:logs:r:1:log-group:dev-*", "arn:aws:logs:r:1:log-group:dev-x:log-stream:s", True),
        ("arn:aws:ecs:r:1:service/*/dev-*", "arn:aws:ecs:r:1:service/prod-c/dev-s", True),
        ("arn:aws:s3:::dev-?", "arn:aws:s3:::dev-ab", False),
    ],
)
def test_resource_wildcards_match_as_iam_matches_them(pattern: str, arn: str, matches: bool) -> None:
    assert iam.resource_matches(pattern, arn) is matches


def test_actions_match_case_insensitively_with_wildcards() -> None:
    assert iam.action_matches("iam:*InstanceProfile", "IAM:CreateInstanceProfile")
    assert not iam.action_matches("iam:*InstanceProfile", "iam:ListInstanceProfilesForRole")


def test_not_action_and_not_resource_match_everything_they_do_not_list() -> None:
    deny = {"Effect": "Deny", "Action": "iam:PutRolePolicy", "NotResource": "arn:aws:iam::1:role/p/s/*"}
    every = policy(allow(NotAction="iam:*", Resource="*"), allow(Action="iam:PutRolePolicy", Resource="*"), deny)
    assert iam.verdict([every], Request("s3:GetObject", "x")) == "Allow"
    assert iam.verdict([every], Request("iam:CreateUser", "x")) == "ImplicitDeny"
    assert iam.verdict([every], Request("iam:PutRolePolicy", "arn:aws:iam::1:role/p/s/r")) == "Allow"
    assert iam.verdict([every], Request("iam:PutRolePolicy", "arn:aws:iam::1:role/admin")) == "Deny"


CONDITIONS: list[tuple[dict[str, Any], dict[str, Any], bool]] = [
    ({"StringEquals": {"k": "a"}}, {"k": "a"}, True),
    ({"StringEquals": {"k": "a"}}, {"k": "A"}, False),
    ({"StringEquals": {"k": ["a", "b"]}}, {"k": "b"}, True),
    ({"StringEquals": {"k": "a"}}, {}, False),
    ({"StringNotEquals": {"k": "a"}}, {}, True),
    ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "b"}, False),
    ({"StringLike": {"k": "graviton-node/acc-*"}}, {"k": "graviton-node/acc-0a1b"}, True),
    ({"StringLike": {"k": "graviton-node/acc-*"}}, {"k": "graviton-node/prod"}, False),
    ({"ArnEquals": {"k": "arn:aws:iam::1:policy/b"}}, {"k": "arn:aws:iam::1:policy/b"}, True),
    ({"ArnNotEquals": {"k": "arn:aws:iam::1:policy/b"}}, {"k": "arn:aws:iam::1:policy/c"}, True),
    ({"ArnNotEquals": {"k": "arn:aws:iam::1:policy/b"}}, {}, True),
    ({"ArnLike": {"k": "arn:aws:iam::1:role/p/*"}}, {"k": "arn:aws:iam::1:role/p/s/r"}, True),
    ({"ArnLike": {"k": "arn:aws:iam::1:role/p/*"}}, {"k": "arn:aws:iam::2:role/p/s/r"}, False),
    ({"Bool": {"k": "false"}}, {"k": False}, True),
    ({"Bool": {"k": "false"}}, {"k": True}, False),
    ({"Null": {"k": "true"}}, {}, True),
    ({"Null": {"k": "false"}}, {}, False),
    ({"StringEqualsIfExists": {"k": "a"}}, {}, True),
    ({"ForAllValues:StringLike": {"k": ["d.com", "*.d.com"]}}, {"k": ["d.com", "_x.d.com"]}, True),
    ({"ForAllValues:StringLike": {"k": ["d.com", "*.d.com"]}}, {"k": ["d.com", "evil.com"]}, False),
    ({"ForAllValues:StringLike": {"k": "d.com"}}, {}, True),
    ({"ForAnyValue:StringEquals": {"k": "a"}}, {"k": ["b", "a"]}, True),
    ({"ForAnyValue:StringEquals": {"k": "a"}}, {}, False),
    ({"StringEquals": {"k": "a"}, "Bool": {"j": "true"}}, {"k": "a", "j": False}, False),
    ({"StringEquals": {"K": "a"}}, {"k": "a"}, True),
]


@pytest.mark.parametrize(("condition", "context", "holds"), CONDITIONS)
def test_each_condition_operator_holds_as_iam_evaluates_it(
    condition: dict[str, Any], context: dict[str, Any], holds: bool
) -> None:
    assert iam.condition_holds(condition, context) is holds


def test_a_single_valued_operator_on_several_values_is_a_mistake_the_model_reports() -> None:
    with pytest.raises(ValueError, match="ForAnyValue or ForAllValues"):
        iam.condition_holds({"StringEquals": {"k": "a"}}, {"k": ["a", "b"]})


def test_a_policy_variable_is_the_requests_value_and_a_missing_one_matches_nothing() -> None:
    own = policy(allow(Action="iam:GetRole", Resource="arn:aws:iam::1:role/${aws:username}"))
    assert iam.allows(own, "iam:GetRole", "arn:aws:iam::1:role/ana", {"aws:username": "ana"})
    assert not iam.allows(own, "iam:GetRole", "arn:aws:iam::1:role/bob", {"aws:username": "ana"})
    assert not iam.allows(own, "iam:GetRole", "arn:aws:iam::1:role/ana")


def test_a_permissions_boundary_caps_what_the_roles_own_policies_allow() -> None:
    everything = policy(allow(Action="*", Resource="*"))
    boundary = policy(allow(Action="logs:PutLogEvents", Resource="*"))
    assert iam.role_allows([everything], Request("logs:PutLogEvents", "x"), boundary)
    assert not iam.role_allows([everything], Request("iam:PutRolePolicy", "x"), boundary)
    assert not iam.role_allows([policy()], Request("logs:PutLogEvents", "x"), boundary), "a boundary grants nothing"


KEY = policy(
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
    {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringEquals": {"kms:ViaService": "ssm.r.amazonaws.com"}}},
    {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/graviton-node/*"},
                   "ArnNotEquals": {"aws:PrincipalArn": ROLE}}},
)  # fmt: skip
DECRYPT = Request("kms:Decrypt", "arn:aws:kms:r:123456789012:key/k", {"kms:ViaService": "ssm.r.amazonaws.com"})


def test_a_key_policy_grants_a_named_principal_itself_and_the_account_only_through_iam() -> None:
    assert iam.key_allows(KEY, DECRYPT, principal_arn=ROLE)
    other = "arn:aws:iam::123456789012:role/deploy"
    assert not iam.key_allows(KEY, DECRYPT, principal_arn=other)
    assert iam.key_allows(KEY, DECRYPT, principal_arn=other, identity=[policy(allow(Action="kms:*", Resource="*"))])


def test_a_deny_in_the_key_policy_wins_over_the_principals_own_allow() -> None:
    another = "arn:aws:iam::123456789012:role/graviton-node/prod/r"
    admin = [policy(allow(Action="*", Resource="*"))]
    assert not iam.key_allows(KEY, DECRYPT, principal_arn=another, identity=admin)


#: Each operator form on a key that is missing, an empty set, or present (IAM User Guide, "Single-valued
#: vs. multivalued context keys": ForAnyValue is false for "no matching context key or a null dataset";
#: "Creating a condition that tests multiple key values": on an empty data set ForAllValues is true and
#: ForAnyValue false; "Condition operators": a missing key fails all but negated, ...IfExists and Null).
MISSING, EMPTY, PRESENT = {}, {"k": []}, {"k": ["a"]}
KEY_FORMS: list[tuple[str, dict[str, Any], bool]] = [
    ("StringEquals", MISSING, False), ("StringEquals", EMPTY, False), ("StringEquals", {"k": "a"}, True),
    ("StringEqualsIfExists", MISSING, True), ("StringEqualsIfExists", EMPTY, True),
    ("StringEqualsIfExists", {"k": "b"}, False),
    ("StringNotEquals", MISSING, True), ("StringNotEquals", EMPTY, True), ("StringNotEquals", {"k": "a"}, False),
    ("ForAnyValue:StringEquals", MISSING, False), ("ForAnyValue:StringEquals", EMPTY, False),
    ("ForAnyValue:StringEquals", PRESENT, True),
    ("ForAnyValue:StringNotEquals", MISSING, False), ("ForAnyValue:StringNotEquals", EMPTY, False),
    ("ForAnyValue:StringEqualsIfExists", MISSING, False), ("ForAnyValue:StringEqualsIfExists", EMPTY, False),
    ("ForAllValues:StringEquals", MISSING, True), ("ForAllValues:StringEquals", EMPTY, True),
    ("ForAllValues:StringEquals", PRESENT, True), ("ForAllValues:StringEquals", {"k": ["a", "b"]}, False),
]  # fmt: skip


@pytest.mark.parametrize(("operator", "context", "holds"), KEY_FORMS, ids=str)
def test_a_missing_or_empty_key_holds_only_for_for_all_values_and_plain_negated_or_if_exists_operators(
    operator: str, context: dict[str, Any], holds: bool
) -> None:
    assert iam.condition_holds({operator: {"k": "a"}}, context) is holds


#: AWS's own rows. "Multivalued context key examples", the Deny with ForAllValues:StringNotLike key1*
#: (Match: the Deny applies); "Creating a condition that tests multiple key values", the DynamoDB examples.
AWS_ROWS: list[tuple[dict[str, Any], dict[str, Any], bool]] = [
    ({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, {"aws:TagKeys": ["key1:legal"]}, False),
    ({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, {"aws:TagKeys": ["key1:hr", "key1:personnel"]}, False),
    ({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, {"aws:TagKeys": ["key2:audit"]}, True),
    ({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, {}, True),
    ({"ForAllValues:StringLike": {"dynamodb:Attributes": ["PostDateTime", "Message", "Tags"]}},
     {"dynamodb:Attributes": ["PostDateTime", "Message"]}, True),
    ({"ForAllValues:StringLike": {"dynamodb:Attributes": ["PostDateTime", "Message", "Tags"]}},
     {"dynamodb:Attributes": ["PostDateTime", "UserName"]}, False),
    ({"ForAnyValue:StringLike": {"dynamodb:Attributes": ["ID", "PostDateTime"]}},
     {"dynamodb:Attributes": ["UserName", "Message", "PostDateTime"]}, True),
    ({"ForAnyValue:StringLike": {"dynamodb:Attributes": ["ID", "PostDateTime"]}},
     {"dynamodb:Attributes": ["UserName"]}, False),
]  # fmt: skip


@pytest.mark.parametrize(("condition", "context", "holds"), AWS_ROWS, ids=str)
def test_the_set_operators_decide_awss_own_example_rows_as_aws_does(
    condition: dict[str, Any], context: dict[str, Any], holds: bool
) -> None:
    assert iam.condition_holds(condition, context) is holds


#: "Multivalued context key examples": a Null false check beside ForAllValues keeps "missing context keys or
#: context keys with empty values" from evaluating to true: the doc's own condition, on an empty tag set.
GUARDED = {"Null": {"aws:TagKeys": "false"}, "ForAllValues:StringLike": {"aws:TagKeys": ["key1*", "key2*", "key3*"]}}


def test_a_null_false_check_refuses_an_empty_tag_set_that_for_all_values_alone_would_pass() -> None:
    assert iam.condition_holds({"ForAllValues:StringLike": GUARDED["ForAllValues:StringLike"]}, {"aws:TagKeys": []})
    assert not iam.condition_holds(GUARDED, {"aws:TagKeys": []})
    assert not iam.condition_holds(GUARDED, {})
    assert iam.condition_holds(GUARDED, {"aws:TagKeys": ["key2:audit"]})


def test_a_policy_variable_in_a_condition_value_is_the_requests_value() -> None:
    """IAM User Guide, "IAM policy elements: Variables and tags": variables work in string and ARN
    condition values; ``${*}`` is a literal ``*``."""
    own = {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}
    assert iam.condition_holds(own, {"s3:prefix": "home/bob/x", "aws:username": "bob"})
    assert not iam.condition_holds(own, {"s3:prefix": "home/ana/x", "aws:username": "bob"})
    assert iam.condition_holds({"StringEquals": {"k": "a${*}"}}, {"k": "a*"})
    assert not iam.condition_holds({"StringLike": {"k": "a${*}"}}, {"k": "ab"})


def test_a_policy_variable_the_request_lacks_is_a_case_the_model_refuses_to_guess() -> None:
    with pytest.raises(NotImplementedError, match="missing variable"):
        iam.condition_holds({"StringLike": {"s3:prefix": "home/${aws:username}/*"}}, {"s3:prefix": "home/x"})
