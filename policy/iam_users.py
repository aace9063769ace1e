"""IAM users (``iam-no-users``): no policies, groups or long-lived credentials; identities are roles."""

from __future__ import annotations

from collections.abc import Mapping

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .documents import listed
    from .rule_types import Config, Props, Rule
else:
    from documents import listed
    from rule_types import Config, Props, Rule


#: What gives an IAM user a long-lived credential, and what it is.
USER_CREDENTIALS: Mapping[str, str] = {
    "aws:iam/accessKey:AccessKey": "An access key is a long-lived credential (kept in the stack's state)",
    "aws:iam/userLoginProfile:UserLoginProfile": "A login profile gives an IAM user a console password",
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential": "A service-specific credential is a "
    "long-lived password (CodeCommit, Keyspaces, Bedrock)",
    "aws:iam/signingCertificate:SigningCertificate": "A signing certificate is a long-lived credential of a user",
    "aws:iam/sshKey:SshKey": "An SSH public key is a long-lived credential of a user (CodeCommit)",
}
#: What gives an IAM user permissions, by the input that names them (None: the resource itself does):
#: policies inline or attached, and groups, whose policies their members get (IAM User Guide, "IAM user
#: groups").
USER_POLICIES: Mapping[str, str | None] = {
    "aws:iam/userPolicy:UserPolicy": None,
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": None,
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/userPoliciesExclusive:UserPoliciesExclusive": "policyNames",
    "aws:iam/policyAttachment:PolicyAttachment": "users",
}
USER_GROUPS: Mapping[str, str] = {
    "aws:iam/userGroupMembership:UserGroupMembership": "groups",
    "aws:iam/groupMembership:GroupMembership": "users",
}


def _no_iam_users(resource_type: str, props: Props, __: Config) -> list[str]:
    """IAM.2: no policies on IAM users (nor groups that carry them); and no long-lived credentials of users
    (access keys, which also land in the stack's state, console passwords, service-specific credentials,
    signing certificates, SSH keys): this project's identities are roles (OIDC from CI). An exclusive list
    left empty detaches everything: no finding."""
    if resource_type in USER_CREDENTIALS:
        return [f"{USER_CREDENTIALS[resource_type]}; use a role (OIDC from CI)."]
    if resource_type in USER_GROUPS:
        if not listed(props.get(USER_GROUPS[resource_type])):
            return []
        return ["An IAM user in a group gets the group's policies; give the permissions to a role the user assumes."]
    key = USER_POLICIES[resource_type]
    if key is not None and not listed(props.get(key)):
        return []
    return ["A policy attached to an IAM user; attach it to a role the user assumes."]


NO_USERS = Rule(
    "iam-no-users",
    "No policies or groups on IAM users and no long-lived user credentials (access keys, passwords, service "
    "credentials, certificates, SSH keys): identities are roles.",
    (*USER_POLICIES, *USER_GROUPS, *USER_CREDENTIALS),
    _no_iam_users,
    anchors=("IAM.2",),
)
