"""A new VPC the account or the service's counts cannot hold is refused before anything is registered, naming
the keys to change: task subnets too small for a deployment's peak (one address a task), and more NAT gateways
than the Elastic IP addresses the account allows (``elasticIpQuota``)."""

import pytest

from components.errors import ConfigError
from tools.offline import RecordingMocks, run_program

SMALL_VPC = {"vpc": "new", "vpcCidr": "10.0.0.0/24", "availabilityZones": "2", "natStrategy": "Single"}


def test_a_vpc_too_small_for_the_deployments_peak_is_refused_before_anything_is_registered() -> None:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", {**SMALL_VPC, "desiredCount": "100"}, mocks=mocks)
    assert error.value.key == "vpcCidr"
    assert all(key in error.value.allowed for key in ("availabilityZones", "natStrategy", "desiredCount", "maxPercent"))
    assert mocks.resources == []


def test_the_autoscalers_most_tasks_count_when_it_scales() -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", {**SMALL_VPC, "autoscaling": "true", "maxCount": "60"})
    assert error.value.key == "vpcCidr" and "max(desiredCount, maxCount) 60" in error.value.allowed


def test_the_most_tasks_a_small_vpc_holds_deploy() -> None:
    assert run_program("dev", {**SMALL_VPC, "desiredCount": "59"}).mocks.resources  # 2 x 59 = 118 addresses


def test_one_nat_gateway_per_az_over_the_elastic_ip_quota_is_refused_until_the_quota_is_raised() -> None:
    six = {"vpc": "new", "availabilityZones": "6", "natStrategy": "OnePerAz"}
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", six, mocks=mocks)
    assert error.value.key == "natStrategy" and "6 NAT gateways" in error.value.allowed
    assert "elasticIpQuota of 5" in error.value.allowed and "availabilityZones 6" in error.value.allowed
    assert mocks.resources == []
    assert run_program("dev", {**six, "elasticIpQuota": "6"}).mocks.resources
