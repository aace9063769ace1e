"""The rules ``rules.py`` registers, as mandatory pulumi_policy resource-validation policies."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from rule_types import Rule, StackRule
from rules import RULES, STACK_RULES
from unknowns import StackResource, UndecidedError


def _described(rule: Rule | StackRule) -> str:
    """The description the engine shows with a violation: what the rule wants, and the controls it stands for."""
    return f"{rule.description} ({', '.join(rule.anchors)})" if rule.anchors else rule.description


def _policy(rule: Rule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in rule.resource_types:
            return
        for message in rule.check(args.resource_type, args.props, args.get_config()):
            report_violation(message, None)

    schema = PolicyConfigSchema(properties=dict(rule.config_properties)) if rule.config_properties else None
    return ResourceValidationPolicy(
        name=rule.name,
        description=_described(rule),
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=schema,
    )


def _stack_policy(rule: StackRule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        # With URNs and property dependencies: in a preview a new resource's ID is unknown, and a rule
        # joins a reference to it by the URN it came from (unknowns.py).
        resources = [
            StackResource(
                r.resource_type, r.props, r.urn, {k: [d.urn for d in v] for k, v in r.property_dependencies.items()}
            )
            for r in args.resources
        ]
        try:
            messages = rule.check(resources, args.get_config())
        except UndecidedError as undecided:
            # What the rule decided is reported at its level; the SDK reports the rest as "can't run"
            # during preview (advisory), and `up` checks it again once every value is known.
            for message in undecided.found:
                report_violation(message, None)
            raise undecided.cause from None
        for message in messages:
            report_violation(message, None)

    schema = PolicyConfigSchema(properties=dict(rule.config_properties)) if rule.config_properties else None
    return StackValidationPolicy(
        name=rule.name,
        description=_described(rule),
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=schema,
    )


# Mandatory by default; a stack's config file makes some advisory (docs/policy.md).
POLICIES: list[ResourceValidationPolicy] = [_policy(rule) for rule in RULES]
STACK_POLICIES: list[StackValidationPolicy] = [_stack_policy(rule) for rule in STACK_RULES]
