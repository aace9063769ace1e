"""Who a Lambda permission lets invoke (botocore ``lambda`` ``AddPermissionRequest``): an account or an
ARN names its caller; a service principal names its caller with ``sourceArn``; any other principal, Alexa's
among them, invokes for every skill unless the permission carries the ``eventSourceToken`` it must supply."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policy.engine import violations

ALEXA = ["alexa-appkit.amazon.com", "alexa-connectedhome.amazon.com"]
SKILL = "amzn1.ask.skill.12345678-1234-1234-1234-123456789012"


def _refused(**props: Any) -> bool:
    permission = {"action": "lambda:InvokeFunction", "function": "f", **props}
    return bool([m for m in violations("aws:lambda/permission:Permission", permission) if "lambda-not-public" in m])


@pytest.mark.parametrize("principal", ALEXA)
def test_an_alexa_permission_without_the_skill_s_token_is_refused(principal: str) -> None:
    assert _refused(principal=principal)


@pytest.mark.parametrize("principal", ALEXA)
def test_an_alexa_permission_with_the_skill_s_token_is_accepted(principal: str) -> None:
    assert not _refused(principal=principal, eventSourceToken=SKILL)


@pytest.mark.parametrize("principal", ["123456789012", "arn:aws:iam::123456789012:role/caller"])
def test_an_account_or_a_role_names_its_caller(principal: str) -> None:
    assert not _refused(principal=principal)


def test_a_service_principal_still_needs_its_source_arn() -> None:
    assert _refused(principal="events.amazonaws.com", eventSourceToken=SKILL)
