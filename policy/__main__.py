"""The graviton-node policy pack: ``pulumi preview --policy-pack policy [--policy-pack-config ...]``."""

from pulumi_policy import EnforcementLevel, PolicyPack

from policies import POLICIES, STACK_POLICIES

PolicyPack(
    name="graviton-node",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[*POLICIES, *STACK_POLICIES],
)
