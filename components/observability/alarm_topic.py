"""The SNS topic a service's alarms and Spot interruptions go to, with an e-mail subscription per address."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from ..naming import type_token
from .alarm_rules import subscription_key

#: Up to 0.4.0 the topic was a child of ``ServiceAlarms``; an alias keeps its state.
SERVICE_ALARMS_TYPE = type_token("service_alarms", "ServiceAlarms")


class AlarmTopic(pulumi.ComponentResource):
    """An SNS topic; each address confirms its subscription by e-mail within 48 hours, or SNS deletes it.

    A deleted subscription (unconfirmed, or unsubscribed by an alarm e-mail's link) stays in the state
    until a refresh reads it (terraform-provider-aws ``resourceTopicSubscriptionRead``): a plain
    ``pulumi up`` does not subscribe the address again, so whoever deploys lists the topic's subscriptions
    (``tools/deploy.sh``)."""

    arn: pulumi.Output[str]
    """The topic's ARN: where to list its subscriptions."""

    def __init__(self, name: str, emails: Sequence[str], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_token("alarm_topic", "AlarmTopic"), name, None, opts)
        parent = opts.parent if opts is not None else None
        moved = pulumi.Alias(parent=pulumi.create_urn(name, SERVICE_ALARMS_TYPE, parent))
        child = pulumi.ResourceOptions(parent=self, aliases=[moved])
        topic = aws.sns.Topic(f"{name}-topic", opts=child)
        for index, email in enumerate(emails):
            # Named by its address (``subscription_key``: a reorder or removal leaves the others alone), before
            # by its place, which the aliases keep (under this component, and under 0.4.0's ServiceAlarms).
            # Replaced (a new case of the address), it unsubscribes first: Subscribe may answer the old ARN.
            was = f"{name}-email-{index}"
            aliases = [pulumi.Alias(name=was), pulumi.Alias(name=was, parent=moved.parent)]
            aws.sns.TopicSubscription(
                f"{name}-email-{subscription_key(email)}",
                topic=topic.arn,
                protocol="email",
                # An address is personal data: encrypted in the state, hidden in previews (its name's hash
                # stays: docs/decisions.md, ``alarmEmails``; errors.KEPT_SECRET).
                endpoint=pulumi.Output.secret(email),
                opts=pulumi.ResourceOptions(parent=self, aliases=aliases, delete_before_replace=True),
            )
        self.arn = topic.arn
        self.register_outputs({"arn": self.arn})
