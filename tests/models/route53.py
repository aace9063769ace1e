"""A Route 53 hosted zone as the provider's record resource writes and deletes in it (mocks accept any).

terraform-provider-aws ``internal/service/route53/record.go``: ``resourceRecordCreate`` sends ``UPSERT`` when
``allow_overwrite`` is set and ``CREATE`` otherwise, which Route 53 refuses for a record set that exists
(Route 53 API reference, ChangeResourceRecordSets: ``CREATE`` "returns an error if a resource record set
already exists"; ``UPSERT`` replaces it). ``resourceRecordDelete`` looks the live record set up by zone, name
and type (``findResourceRecordSetByFourPartKey``) and deletes what it finds, whoever wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class RecordSetExistsError(Exception):
    """Route 53's ``InvalidChangeBatch``: a ``CREATE`` of a record set the zone already holds."""


@dataclass
class HostedZone:
    """Record sets by (name, type); names as Route 53 keeps them, lower case and without the final dot."""

    records: dict[tuple[str, str], Any] = field(default_factory=dict)

    @staticmethod
    def key(inputs: dict[str, Any]) -> tuple[str, str]:
        return str(inputs["name"]).lower().rstrip("."), str(inputs["type"])

    def create(self, inputs: dict[str, Any]) -> None:
        """The provider's create of a record resource with ``inputs`` (camelCase, as registered)."""
        key = self.key(inputs)
        if key in self.records and not inputs.get("allowOverwrite"):
            raise RecordSetExistsError(f"creating Route53 Record {key}: InvalidChangeBatch: already exists")
        self.records[key] = inputs.get("records") or inputs.get("aliases")

    def delete(self, inputs: dict[str, Any]) -> None:
        """The provider's delete: the live record set of that name and type, if any."""
        self.records.pop(self.key(inputs), None)


def expand_record_name(name: str, zone_name: str) -> str:
    """The record name the provider sends for ``name`` in the zone named ``zone_name`` (GetHostedZone's, with
    its final dot): terraform-provider-aws ``route53/record.go`` ``expandRecordName`` normalizes the name
    (``clean.go`` ``normalizeDomainName``: lower case, final dot dropped; the names here need no escapes)
    and appends the zone's name unless the name ends with it, compared as strings, not labels."""
    normalized, zone = name.lower().rstrip("."), zone_name.rstrip(".")
    if normalized.endswith(zone):
        return normalized
    return zone if not name else f"{normalized}.{zone}"
