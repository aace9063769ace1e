"""What an S3 canned ACL grants, and when S3 counts an ACL as public.

From the S3 User Guide, "Access control list (ACL) overview", "Canned ACL": each canned ACL is a set of
grants (the owner always gets FULL_CONTROL); and "Blocking public access", "The meaning of 'public'": an
ACL is public when it grants any permission to the predefined ``AllUsers`` or ``AuthenticatedUsers``
group (any AWS account).
"""

from __future__ import annotations

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"

#: Canned ACL -> (grantee, permission) beyond the owner's FULL_CONTROL.
CANNED: dict[str, set[tuple[str, str]]] = {
    "private": set(),
    "public-read": {(ALL_USERS, "READ")},
    "public-read-write": {(ALL_USERS, "READ"), (ALL_USERS, "WRITE")},
    "aws-exec-read": {("ec2", "READ")},
    "authenticated-read": {(AUTHENTICATED_USERS, "READ")},
    "bucket-owner-read": {("bucket-owner", "READ")},
    "bucket-owner-full-control": {("bucket-owner", "FULL_CONTROL")},
    "log-delivery-write": {(LOG_DELIVERY, "WRITE"), (LOG_DELIVERY, "READ_ACP")},
}


def is_public(grants: set[tuple[str, str]]) -> bool:
    """Whether grants give anything to everyone or to every AWS account."""
    return any(grantee in (ALL_USERS, AUTHENTICATED_USERS) for grantee, _ in grants)
