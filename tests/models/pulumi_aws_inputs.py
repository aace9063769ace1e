"""Every resource type of the installed pulumi_aws SDK with the names of its inputs, read from the SDK's
own source: each resource class's ``_internal_init`` lists its inputs, and its ``super().__init__`` names
its type token. A test can then ask which types carry an input of some name (a policy, an ACL), rather
than trust a list someone remembered.

Why that source is the rule: the SDK is generated from the provider's schema, and what a program can
send is exactly what ``_internal_init`` takes. It stores each keyword argument in the resource's
``@pulumi.input_type`` Args object (``pulumi_aws/ecr/repository.py``: ``__props__.__dict__["image_tag_mutability"]``
beside ``image_tag_mutability``; outputs are set to None there and are not parameters), then calls
``super().__init__('aws:ecr/repository:Repository', ...)``. The Pulumi SDK sends an input type's keys
under the names its ``@pulumi.getter(name=...)`` metadata gives (``pulumi/resource.py``,
``Resource.__init__``: "If props is an input type ... dict keys will be translated using the type's
and resource's type/name metadata"); for a resource's own inputs those names are the snake ones
camel-cased (``imageTagMutability``), which ``camel`` does. (In pulumi_aws 7.51.1 the only getters that
differ are fields of the nested policy-document types in the ``_inputs.py`` modules, ``Statement`` and
``AWS`` among them, which this module does not read.) The version read is the one installed from uv.lock.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pulumi_aws

_INIT = re.compile(r"def _internal_init\(__self__,(?P<params>.*?)__props__=None\):", re.S)
_PARAM = re.compile(r"^\s+(?P<name>\w+): pulumi\.Input", re.M)
_TOKEN = re.compile(r"super\(\w+, __self__\)\.__init__\(\s*'(?P<token>aws:[^']+)'")


def camel(snake: str) -> str:
    """The engine's name of an input (``access_policy`` -> ``accessPolicy``)."""
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@functools.cache
def resource_inputs() -> dict[str, frozenset[str]]:
    """Each type token, with the engine's names of its inputs."""
    found: dict[str, frozenset[str]] = {}
    for path in Path(pulumi_aws.__file__).parent.rglob("*.py"):
        text = path.read_text()
        if "_internal_init" not in text:
            continue
        for init, token in zip(_INIT.finditer(text), _TOKEN.finditer(text), strict=False):
            found[token["token"]] = frozenset(camel(p["name"]) for p in _PARAM.finditer(init["params"]))
    return found


def types_with_input(*names: str) -> dict[str, frozenset[str]]:
    """The types with any of ``names`` among their inputs, each with those it has."""
    return {t: inputs & set(names) for t, inputs in resource_inputs().items() if inputs & set(names)}
