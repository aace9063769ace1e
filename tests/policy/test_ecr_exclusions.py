"""An exclusion filter exempts the tags that must move, named by their prefix: the pack accepts a filter
exactly when ECR's matching (``tests/models/ecr.py``) leaves immutable every tag that starts with a
character the filter does not hold, the tags of any other name. Filters are drawn from ECR's own alphabet
(botocore ``ecr`` ``ImageTagMutabilityExclusionFilterValue``: ``[0-9a-zA-Z._*-]{1,128}``)."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from tests.models.ecr import EcrRepository
from tests.policy.engine import violations

ALPHABET = string.ascii_letters + string.digits + "._*-"


def _pack_accepts(pattern: str) -> bool:
    props = {"imageTagMutability": "IMMUTABLE_WITH_EXCLUSION", "imageScanningConfiguration": {"scanOnPush": True},
             "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": pattern}]}  # fmt: skip
    return not [m for m in violations("aws:ecr/repository:Repository", props) if m.startswith("ecr-immutable-scanned:")]


def _exempts_tags_of_any_name(pattern: str) -> bool:
    """Whether the filter exempts a tag starting with a character it does not hold (its literals as they are)."""
    other = next(c for c in ALPHABET if c not in pattern)
    repository = EcrRepository("IMMUTABLE_WITH_EXCLUSION", (pattern,))
    return not repository.is_immutable(other + pattern.replace("*", ""))


@given(st.text(ALPHABET, min_size=1, max_size=8))
def test_a_filter_passes_exactly_when_it_exempts_only_tags_of_its_prefix(pattern: str) -> None:
    assert _pack_accepts(pattern) == (not _exempts_tags_of_any_name(pattern))


def test_the_review_s_filters_of_any_name_are_refused() -> None:
    assert not _pack_accepts("*.*")
    assert not _pack_accepts("*1*")
    assert _pack_accepts("cache-*")
