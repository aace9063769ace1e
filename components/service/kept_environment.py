"""What of a container's environment ECS keeps: the rule every environment the program sends is held to.

ECS drops an entry whose value is empty when it registers a task definition: the definition it stores, and so
the container, lacks the variable. Reported, not documented: hashicorp/terraform-provider-aws#39533 (a task
definition with ``"value": ""`` diffs on every plan: "AWS seems to filter out those environment variables"),
reproduced in pulumi/pulumi-aws#4576; no AWS page says either way (an entry without a value is dropped too:
aws-actions/amazon-ecs-deploy-task-definition#224). Refusing it costs a config that needs an empty variable a
sentinel value; sending it would cost a redeploy on every ``up``. The provider's diff keeps the entry
(terraform-provider-aws ``internal/service/ecs/container_definitions.go``, ``reduce``: ``compactArray`` drops
only an all-zero ``KeyValuePair``), so the definition sent never matches the one stored and,
``containerDefinitions`` forcing a new task definition, every ``pulumi up`` would register one and roll the
service (``tests/models/ecs_container_definitions.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ConfigError, raise_any

EMPTY_DROPPED = (
    "a non-empty value: ECS drops an empty-valued variable when it registers the task definition, so the "
    "container would see it unset, and every pulumi up would register a new task definition and redeploy"
)


def check_values_kept(key: str, environment: Mapping[str, str]) -> None:
    """Raise ``ConfigError`` (``key``) naming each ``NAME=`` entry of ``environment`` ECS would drop."""
    raise_any([ConfigError(key, f"{name}=", EMPTY_DROPPED) for name, value in environment.items() if value == ""])
