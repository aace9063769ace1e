"""The deploy limit is this repository's CI session by default; a package user whose credentials outlast it
lifts it, and the service still waits as long as its deployment takes."""

import pytest

from components.errors import ConfigError
from components.service.cluster_spec import ExistingCluster
from components.service.deploy_time import MAX_DEPLOY_MINUTES, deploy_time
from components.service.fargate_service import FargateService, FargateServiceArgs
from components.service.service_spec import ServiceSpec
from tests.components.builders import IMAGE

SERVICE = "aws:ecs/service:Service"
#: A worker rolled in ten batches of four: 10 x 10 minutes, past the CI session's 45.
SLOW = ServiceSpec(desired_count=40, min_healthy_percent=100, max_percent=110)


def args(**given: object) -> FargateServiceArgs:
    cluster = ExistingCluster(arn="arn:aws:ecs:us-east-1:123456789012:cluster/c")
    return FargateServiceArgs(spec=SLOW, image_ref=IMAGE, cluster=cluster, vpc_id="v", subnet_ids=["s"],
                              assign_public_ip=False, **given)  # type: ignore[arg-type]  # fmt: skip


def test_by_default_a_deployment_longer_than_the_ci_session_is_refused_naming_its_batch_limits() -> None:
    assert deploy_time(SLOW, alarms=False).minutes() > MAX_DEPLOY_MINUTES
    with pytest.raises(ConfigError) as error:
        args()
    assert error.value.key == "ServiceSpec.max_percent"


def test_a_higher_limit_names_itself_as_the_reason_when_the_deployment_still_outlasts_it() -> None:
    with pytest.raises(ConfigError) as error:
        args(deploy_limit_minutes=60)
    assert "FargateServiceArgs.deploy_limit_minutes" in error.value.allowed and "60 minutes" in error.value.allowed


def test_with_no_limit_the_service_waits_for_the_whole_deployment(mocked) -> None:
    recorded = mocked(lambda: FargateService("slow", args(deploy_limit_minutes=None)))
    minutes = deploy_time(SLOW, alarms=False).minutes()
    assert recorded.one(SERVICE).custom_timeouts == {"create": f"{minutes}m", "update": f"{minutes}m"}


@pytest.mark.parametrize("limit", [0, -5, True, "45"])
def test_a_limit_that_is_not_a_positive_number_of_minutes_is_refused(limit: object) -> None:
    with pytest.raises(ConfigError) as error:
        args(deploy_limit_minutes=limit)
    assert (error.value.key, error.value.value) == ("FargateServiceArgs.deploy_limit_minutes", limit)
