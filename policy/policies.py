"""The rules of ``rules.py`` as mandatory pulumi_policy resource-validation policies."""

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

from rules import RULES, STACK_RULES, Rule, StackRule


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
        resources = [(resource.resource_type, resource.props) for resource in args.resources]
        for message in rule.check(resources, args.get_config()):
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
