"""The tags AWS takes on the stack's resources: the provider's default tags (``aws:defaultTags``) go on every
taggable resource, beside the program's own tags, and the provider passes them on unchecked
(terraform-provider-aws internal/provider/sdkv2/schema.go: ``default_tags.tags`` is a plain map of strings).

The strictest rule over the services whose resources the stack tags (botocore's models):

- characters: letters, numbers and separators of any script, and ``_ . : / = + - @``: the pattern
  ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]`` of ecs ``TagKey``/``TagValue``, logs ``TagKey``/``TagValue``, elbv2
  ``TagKey``/``TagValue``, acm ``TagKey``/``TagValue``, ssm ``TagKey``/``TagValue``, lambda
  ``TagKey``/``TagValue`` and iam ``tagKeyType``/``tagValueType`` (EC2, S3, KMS, SNS, EventBridge,
  CloudWatch and Application Auto Scaling publish no pattern);
- a key of 1 to 127 characters (ec2 ``Tag.Key``: "a maximum of 127 Unicode characters"; the others 128),
  a value of at most 256 (every service's ``TagValue``);
- no ``aws:`` prefix in any case, on a key or a value (ecs ``Tag``: "Do not use aws:, AWS:, or any upper or
  lowercase combination of such as a prefix for either keys or values"; ec2 ``Tag.Key``: "May not begin
  with aws:");
- at most 50 tags on a resource, its own and the default ones together (ecs ``Tags``, logs ``Tags``, iam
  ``tagListType`` and acm ``TagList``: max 50; ecs ``Tag``: "Maximum number of tags per resource - 50").
  A resource's own tag overrides a default tag of the same key (provider ``tags_all``), so keys count once.

Python's ``re`` has no ``\\p{..}`` classes: a character's Unicode general category (``unicodedata``) stands
for them, ``L*``, ``Z*`` and ``N*`` being Java's ``\\p{L}``, ``\\p{Z}`` and ``\\p{N}``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Mapping

from .errors import ConfigError, raise_any

#: The Unicode general categories of ``\p{L}``, ``\p{Z}`` and ``\p{N}``: letters, separators, numbers.
TAG_CATEGORIES = ("L", "Z", "N")
#: The other characters the tag pattern takes.
TAG_PUNCTUATION = frozenset("_.:/=+-@")
MAX_KEY, MAX_VALUE, MAX_TAGS = 127, 256, 50
RESERVED_PREFIX = "aws:"
ALLOWED = (
    f"tags of letters, numbers, spaces and _ . : / = + - @ (keys 1-{MAX_KEY} characters, values at most {MAX_VALUE}), "
    f"neither key nor value starting with {RESERVED_PREFIX} (in any case; AWS reserves it)"
)


def is_tag_character(char: str) -> bool:
    """Whether the tag pattern ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]`` takes ``char`` (one code point)."""
    return char in TAG_PUNCTUATION or unicodedata.category(char)[0] in TAG_CATEGORIES


def tag_problem(key: str, value: str) -> str:
    """What AWS refuses in the tag ``key``: ``value`` ("" when nothing)."""
    for part, text, low, high in (("key", key, 1, MAX_KEY), ("value", value, 0, MAX_VALUE)):
        if not low <= len(text) <= high:
            return f"its {part} is {len(text)} characters"
        if text[: len(RESERVED_PREFIX)].lower() == RESERVED_PREFIX:
            return f"its {part} starts with {text[: len(RESERVED_PREFIX)]}"
        if bad := sorted({char for char in text if not is_tag_character(char)}):
            return f"its {part} holds {' '.join(repr(char) for char in bad)}"
    return ""


def check_default_tags(config_key: str, tags: Mapping[str, str], own_tags: Iterable[Collection[str]]) -> None:
    """Raise ``ConfigError`` (naming ``config_key``) for every default tag AWS would refuse, and when the
    default tags and a resource's own (``own_tags``: the keys each tagged resource carries) pass 50."""
    found = [
        ConfigError(config_key, {key: value}, f"{ALLOWED}: {problem}")
        for key, value in tags.items()
        if (problem := tag_problem(key, value))
    ]
    most = max((set(tags) | set(own) for own in own_tags), key=len, default=set(tags))
    if len(most) > MAX_TAGS:
        found.append(
            ConfigError(
                config_key,
                f"{len(tags)} tags",
                f"at most {MAX_TAGS} tags on a resource, the default tags and its own together: with the program's "
                f"{len(most) - len(tags)} own ({', '.join(sorted(set(most) - set(tags)))}) that is "
                f"{MAX_TAGS - len(most - set(tags))} default tags or fewer",
            )
        )
    raise_any(found)
