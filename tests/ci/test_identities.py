"""CI identities are bound to stack, workflow and branch (docs/ci.md): the workflows, the OIDC subject
GitHub is told to send and the trust and permission policies of docs/ci-roles/ are checked against
each other and against the rule each role keeps. GitHub's subject and IAM's trust evaluation are
modelled in tests/models/github_oidc.py, Pulumi's state layout in tests/models/pulumi_diy.py."""

from __future__ import annotations

import functools
import itertools
import json
import re
import subprocess
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.ci.test_workflows import FILES, ROOT, load, steps_using
from tests.models import iam, pulumi_diy
from tests.models.github_oidc import AUDIENCE, JobToken, admits, subject
from tests.models.iam_conditions import string_like
from tests.program.deploy_requests import aws_name
from tests.program.stacks import STACKS, run_config
from tools.ci_roles import fill, region_values

DOCS = (ROOT / "docs" / "ci.md").read_text()
ROLES = ROOT / "docs" / "ci-roles"
PROJECT = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["name"]

# What a reader fills in for the placeholders of docs/ci-roles/.
REPOSITORY = "octo-org/graviton"
ACCOUNT, SANDBOX_ACCOUNT = "111122223333", "444455556666"
BUCKET = "graviton-state"
FILLED = {"OWNER": "octo-org", "REPO": "graviton", "ACCOUNT": ACCOUNT, "SANDBOX_ACCOUNT": SANDBOX_ACCOUNT,
          "STATE_BUCKET": BUCKET, **region_values("us-east-1")}  # fmt: skip

MAIN = "refs/heads/main"
PULL_REQUEST = "refs/pull/7/merge"
UP = ".github/workflows/pulumi-up.yml"


@dataclass(frozen=True)
class Binding:
    """Issue 15's rule for who may assume a role: one workflow file, one environment, one kind of ref."""

    workflow: str
    environment: str
    on_main: bool
    """Run from ``refs/heads/main``; otherwise on a pull request (``refs/pull/<n>/merge``)."""
    account: str = ACCOUNT

    def permits(self, token: JobToken) -> bool:
        ref = token.ref == MAIN if self.on_main else re.fullmatch(r"refs/pull/\d+/merge", token.ref) is not None
        return (
            ref
            and token.repository == REPOSITORY
            and token.immutable_ids is None
            and token.aud == AUDIENCE
            and token.workflow_path == f".github/workflows/{self.workflow}"
            and token.workflow_repository in (None, REPOSITORY)
            and token.workflow_ref in (None, token.ref)
            and token.environment == self.environment
        )


BINDINGS = {
    "dev-deploy": Binding("pulumi-up.yml", "dev", on_main=True),
    "prod-deploy": Binding("pulumi-up.yml", "production", on_main=True),
    "dev-preview": Binding("pull-request.yml", "preview-dev", on_main=False),
    "prod-preview": Binding("pull-request.yml", "preview-prod", on_main=False),
    "sandbox": Binding("acceptance.yml", "sandbox", on_main=True, account=SANDBOX_ACCOUNT),
}
REVIEWED = {"production", "preview-dev", "preview-prod"}
"""The environments a person approves each run of: production's deploy and both previews."""


def filled(path: Path, extra: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``path`` filled in as docs/ci.md's ``fill`` does (``tools/ci_roles.py``), which refuses a
    placeholder left without a value."""
    return json.loads(fill(path.read_text(), {**FILLED, **(extra or {})}))


@functools.cache
def trust(role: str) -> dict[str, Any]:
    return filled(ROLES / f"{role}.trust.json")


def provider(role: str) -> str:
    return f"arn:{FILLED['PARTITION']}:iam::{BINDINGS[role].account}:oidc-provider/token.actions.githubusercontent.com"


def subject_template() -> list[str]:
    """The ``include_claim_keys`` docs/ci.md has the repository admin set."""
    (body,) = re.findall(
        r"gh api --method PUT repos/<OWNER>/<REPO>/actions/oidc/customization/sub --input - <<'JSON'\n(.*?)\nJSON\n",
        DOCS,
        re.S,
    )
    setting = json.loads(body)
    assert setting["use_default"] is False, "without use_default false GitHub ignores the keys"
    return setting["include_claim_keys"]


TEMPLATE = subject_template()


def roles_admitting(token: JobToken) -> set[str]:
    return {
        role for role in BINDINGS if admits(trust(role), provider_arn=provider(role), template=TEMPLATE, token=token)
    }


# --- The environments docs/ci.md sets up -------------------------------------------------------------


@dataclass(frozen=True)
class Environment:
    protection: str
    roles: dict[str, str]
    """Variable -> the role (its trust file's stem) the variable holds."""


def environments() -> dict[str, Environment]:
    section = DOCS[DOCS.index("### 3. Environments") :]
    table = section[: section.index("\n\n")]
    found = {}
    for name, protection, variables in re.findall(r"^\| `([\w-]+)` \| ([^|]+) \| (.+) \|$", table, re.M):
        roles = re.findall(
            r"`(AWS_\w+_ROLE_ARN)` \(the [\w ]+ role, \[trust\]\(ci-roles/([\w-]+)\.trust\.json\)\)", variables
        )
        found[name] = Environment(protection, dict(roles))
    return found


# --- The jobs that assume a role, as the workflows make them -------------------------------------------


@dataclass(frozen=True)
class Assumption:
    """A job that assumes a role, in one run its workflow's triggers make."""

    workflow: str
    job: str
    environment: str
    variable: str
    event: str
    ref: str

    @property
    def token(self) -> JobToken:
        return JobToken(repository=REPOSITORY, event_name=self.event, ref=self.ref,
                        workflow_path=f".github/workflows/{self.workflow}", environment=self.environment)  # fmt: skip


def runs(workflow: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The event and ref of each run a workflow's triggers make (GitHub Actions docs, "Events that
    trigger workflows"): a schedule runs on the default branch, a pull request's run is of its merge
    ref, and a manual run is of whichever branch the person picks."""
    made = []
    for event, spec in workflow["on"].items():
        if event == "push":
            made += [("push", f"refs/heads/{branch}") for branch in spec["branches"]]
        elif event == "pull_request":
            made.append(("pull_request", PULL_REQUEST))
        elif event == "schedule":
            made.append(("schedule", MAIN))
        elif event == "workflow_dispatch":
            made += [("workflow_dispatch", MAIN), ("workflow_dispatch", "refs/heads/feature")]
        else:
            assert event == "workflow_call", f"no model of the trigger {event}"
    return made


def contexts(
    name: str, workflow: Mapping[str, Any], job: Mapping[str, Any]
) -> Iterator[tuple[dict[str, str], str, str]]:
    """Each ``matrix.*``/``inputs.*`` binding of a job, with the event and ref of each run it is in."""
    if "workflow_call" in workflow["on"]:
        for path in FILES:
            caller = load(path.name)
            for caller_job in caller["jobs"].values():
                if caller_job.get("uses") == f"./.github/workflows/{name}":
                    values = {f"inputs.{key}": str(value) for key, value in caller_job["with"].items()}
                    yield from ((values, event, ref) for event, ref in runs(caller))
        return
    matrix = dict(job.get("strategy", {}).get("matrix", {}))
    assert not {"include", "exclude"} & set(matrix), "no model of matrix include/exclude"
    for combination in itertools.product(*matrix.values()):
        values = {f"matrix.{key}": str(value) for key, value in zip(matrix, combination, strict=True)}
        yield from ((values, event, ref) for event, ref in runs(workflow))


def render(text: str, values: Mapping[str, str]) -> str:
    rendered = re.sub(r"\$\{\{\s*((?:matrix|inputs)\.\w+)\s*\}\}", lambda m: values[m.group(1)], text)
    assert "${{" not in rendered, text
    return rendered


def assumptions() -> list[Assumption]:
    found = []
    for path in FILES:
        workflow = load(path.name)
        for name, job in workflow["jobs"].items():
            steps = steps_using(job, "aws-actions/configure-aws-credentials")
            if not steps:
                continue
            # A job asks for one role; the deploy asks for it again, a fresh session, for its checks.
            (role,) = {step["with"]["role-to-assume"] for step in steps}
            variable = re.fullmatch(r"\$\{\{ vars\.(\w+) \}\}", role)
            assert variable, f"{path.name}:{name} takes its role from its environment's variables"
            for values, event, ref in contexts(path.name, workflow, job):
                environment = render(job["environment"], values)
                found.append(Assumption(path.name, name, environment, variable.group(1), event, ref))
    return found


# --- The model, held to GitHub's documented subjects and IAM's wildcards -------------------------------------


def octo(**claims: Any) -> JobToken:
    defaults = {"event_name": "push", "workflow_path": ".github/workflows/x.yml"}
    return JobToken(repository="octo-org/octo-repo", **{**defaults, **claims})


@pytest.mark.parametrize(
    ("template", "token", "documented"),
    [
        (["repo", "context"], octo(ref="refs/heads/demo-branch"), "repo:octo-org/octo-repo:ref:refs/heads/demo-branch"),
        (["repo", "context"], octo(event_name="pull_request", ref=PULL_REQUEST),
         "repo:octo-org/octo-repo:pull_request"),
        (["repo", "context"], octo(ref=MAIN, environment="Production:V1"),
         "repo:octo-org/octo-repo:environment:Production%3AV1"),
        (["repo", "context"], octo(ref=MAIN, immutable_ids=(123456, 456789)),
         "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main"),
        (["repo", "context", "job_workflow_ref"],
         octo(ref=MAIN, environment="prod", workflow_repository="octo-org/octo-automation",
              workflow_path=".github/workflows/oidc.yml"),
         "repo:octo-org/octo-repo:environment:prod:job_workflow_ref:"
         "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main"),
    ],
)  # fmt: skip
def test_the_subject_model_writes_githubs_documented_examples(
    template: list[str], token: JobToken, documented: str
) -> None:
    """GitHub Actions docs, "OpenID Connect reference": example subject claims, a colon in a value,
    immutable subject claims, and the template requiring a reusable workflow and other claims."""
    assert subject(template, token) == documented


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [("a*c", "a:b/c", True), ("a*c", "ac", True), ("a?c", "abc", True), ("a?c", "ac", False), ("a*", "A", False),
     ("refs/pull/*/merge", "refs/pull/1/merge:x/merge", True), ("a[b]", "ab", False), ("a[b]", "a[b]", True)],
)  # fmt: skip
def test_string_like_matches_as_iam_does(pattern: str, value: str, matches: bool) -> None:
    """IAM User Guide, "String condition operators": ``*`` any run of characters, ``?`` one, nothing
    else special, case-sensitive."""
    assert string_like(pattern, value) == matches


# --- The subject and the trust policies ------------------------------------------------------------------


def test_the_subject_names_the_repository_the_environment_the_ref_and_the_workflow_file() -> None:
    assert TEMPLATE == ["repo", "context", "ref", "job_workflow_ref"]
    token = JobToken(repository=REPOSITORY, event_name="push", ref=MAIN, workflow_path=UP, environment="dev")
    assert subject(TEMPLATE, token) == (
        "repo:octo-org/graviton:environment:dev:ref:refs/heads/main"
        ":job_workflow_ref:octo-org/graviton/.github/workflows/pulumi-up.yml@refs/heads/main"
    )


def test_every_role_has_a_trust_file_and_every_trust_file_a_role() -> None:
    assert {path.name.removesuffix(".trust.json") for path in ROLES.glob("*.trust.json")} == set(BINDINGS)


def test_each_job_that_assumes_a_role_gets_exactly_the_role_its_environment_holds() -> None:
    """Every job, with each matrix value or the inputs deploy.yml calls it with, in every run its
    triggers make: on main (or a pull request) its token is admitted by the one role its environment
    holds; a manual run of another branch gets no role at all, with no guard job deciding it."""
    table = environments()
    found = assumptions()
    refused = []
    for assumption in found:
        held = table[assumption.environment].roles[assumption.variable]
        admitted = roles_admitting(assumption.token)
        if BINDINGS[held].permits(assumption.token):
            assert admitted == {held}, assumption
        else:
            assert admitted == set(), assumption
            refused.append(assumption)
    assert {role for a in found for role in roles_admitting(a.token)} == set(BINDINGS), "a role no job uses"
    assert refused and all(a.event == "workflow_dispatch" and a.ref != MAIN for a in refused)


def every_token() -> Iterator[JobToken]:
    workflows = [*(path.name for path in FILES), "other.yml"]
    refs = [MAIN, "refs/heads/feature", "refs/heads/main-x", PULL_REQUEST, "refs/pull/12/merge", "refs/tags/v1"]
    environments_ = [*(binding.environment for binding in BINDINGS.values()), "preview", None]
    repositories = [REPOSITORY, "octo-org/graviton-fork", "mallory/graviton"]
    for repository, workflow, ref, environment, aud in itertools.product(
        repositories, workflows, refs, environments_, [AUDIENCE, "https://github.com/octo-org"]
    ):
        event = "pull_request" if ref.startswith("refs/pull/") else "push"
        yield JobToken(repository=repository, event_name=event, ref=ref, workflow_path=f".github/workflows/{workflow}",
                       environment=environment, aud=aud)  # fmt: skip


def test_no_role_admits_any_token_but_those_of_its_own_workflow_environment_and_ref() -> None:
    admitted_somewhere = set()
    for token in every_token():
        admitted = roles_admitting(token)
        assert admitted == {role for role, binding in BINDINGS.items() if binding.permits(token)}, token
        admitted_somewhere |= admitted
    assert admitted_somewhere == set(BINDINGS)


def test_a_branch_calling_mains_deploy_workflow_gets_no_role_because_the_subject_names_the_ref() -> None:
    """``uses: OWNER/REPO/.github/workflows/pulumi-up.yml@main`` from a branch: the job's
    ``job_workflow_ref`` names main's file, but it checks out the branch."""
    called = JobToken(repository=REPOSITORY, event_name="workflow_dispatch", ref="refs/heads/feature",
                      workflow_path=UP, workflow_ref=MAIN, environment="dev")  # fmt: skip
    assert roles_admitting(called) == set()
    from_main = JobToken(repository=REPOSITORY, event_name="push", ref=MAIN, workflow_path=UP, environment="dev")
    without_ref = [key for key in TEMPLATE if key != "ref"]
    assert subject(without_ref, called) == subject(without_ref, from_main), "why the template carries ref"


def test_a_repository_with_immutable_subjects_is_admitted_once_its_prefix_replaces_the_names() -> None:
    """docs/ci.md: write the read-back's ``sub_claim_prefix`` in place of ``repo:<OWNER>/<REPO>``."""
    token = JobToken(repository=REPOSITORY, event_name="push", ref=MAIN, workflow_path=UP, environment="dev",
                     immutable_ids=(123, 456))  # fmt: skip
    assert roles_admitting(token) == set()
    text = (ROLES / "dev-deploy.trust.json").read_text().replace("repo:<OWNER>/<REPO>:", "repo:<OWNER>@123/<REPO>@456:")
    prefixed = json.loads(fill(text, FILLED))
    assert admits(prefixed, provider_arn=provider("dev-deploy"), template=TEMPLATE, token=token)


def test_each_environment_holds_its_own_role_behind_the_protection_its_binding_needs() -> None:
    table = environments()
    assert set(table) == {binding.environment for binding in BINDINGS.values()}
    for name, environment in table.items():
        assert environment.roles, name
        for role in environment.roles.values():
            assert BINDINGS[role].environment == name, f"{name} holds {role}"
            if BINDINGS[role].on_main:
                assert "deployment branches: `main` only" in environment.protection, name
        reviewed = "required reviewers" in environment.protection and "prevent self-review" in environment.protection
        assert reviewed == (name in REVIEWED), name


def test_the_documented_environment_setup_commands_give_each_environment_that_protection() -> None:
    (block,) = re.findall(r"```bash\n(environment\(\) \{.*?)```", DOCS, re.S)
    created = dict(re.findall(r"^environment ([\w-]+) <<< \"(.*)\"", block, re.M))
    main_only = set(re.findall(r"main_only ([\w-]+)$", block, re.M))
    assert set(created) == set(environments())
    assert main_only == {binding.environment for binding in BINDINGS.values() if binding.on_main}
    assert {name for name, body in created.items() if "$reviewers" in body} == REVIEWED
    assert {name for name, body in created.items() if "$branches" in body} == main_only
    assert '"prevent_self_review": true' in block
    # Administrators may not force a run past an environment's protection (GitHub REST API, environments).
    assert "strict='\"can_admins_bypass\": false'" in block
    assert all(body.startswith("{$strict, ") for body in created.values())


# --- Pull requests: no job that runs their code may write --------------------------------------------------


def test_no_workflow_runs_on_pull_request_target_or_workflow_run() -> None:
    """Both run main's files with main's identity around a pull request's input."""
    for path in FILES:
        assert not {"pull_request_target", "workflow_run"} & set(load(path.name)["on"]), path.name


def test_no_job_that_runs_pull_request_code_may_write_or_holds_a_secret() -> None:
    """Except the preview's Pulumi Cloud token, which its reviewed environment holds as it holds the preview
    role, and which reads no more than that role (docs/ci.md: a team token with Stack Read on one stack)."""
    workflow = load("pull-request.yml")
    assert workflow["permissions"] == {}
    writers = set()
    for name, job in workflow["jobs"].items():
        permissions = job.get("permissions", workflow["permissions"])
        writes = {scope for scope, level in permissions.items() if level == "write"}
        if steps_using(job, "actions/checkout"):
            assert writes <= {"id-token"}, name
            secrets = set(re.findall(r"secrets\.\w+", yaml.safe_dump(job)))
            assert secrets <= ({"secrets.PULUMI_ACCESS_TOKEN"} if name == "preview" else set()), name
            continue
        writers.add(name)
        for step in job["steps"]:
            assert str(step.get("uses", "actions/download-artifact@")).startswith("actions/download-artifact@"), name
            assert not re.search(r"\./|tools/|python|node|npm|pip|\buv\b|bash |\bsh |make", step.get("run", "")), name
    assert writers == {"preview-comment"}
    assert workflow["jobs"]["preview-comment"]["permissions"] == {"pull-requests": "write"}


def comment_script() -> str:
    (step,) = [s for s in load("pull-request.yml")["jobs"]["preview-comment"]["steps"] if "run" in s]
    assert step["env"]["PR"] == "${{ github.event.pull_request.number }}"
    return step["run"]


def run_comment_script(tmp_path: Path, gh: str) -> None:
    """The job's own script, run in ``tmp_path`` as the runner runs it, with ``gh`` a stub script."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "gh").write_text("#!/bin/sh\n" + gh)
    (tmp_path / "bin" / "gh").chmod(0o755)
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", comment_script()],
                            cwd=tmp_path, env={"PR": "7", "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"},
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr


def post_comment(tmp_path: Path, previews: Mapping[str, str]) -> str:
    """The body the job posts for ``previews`` (stack -> its kept output)."""
    (tmp_path / "previews").mkdir()
    for stack, text in previews.items():
        (tmp_path / "previews" / f"preview-{stack}.txt").write_text(text)
    run_comment_script(tmp_path, 'printf "%s\\n" "$@" > gh-args\n')
    args = (tmp_path / "gh-args").read_text().split("\n")[:-1]
    assert args == ["pr", "comment", "7", "--edit-last", "--create-if-none", "--body-file", "comment.md"]
    return (tmp_path / "comment.md").read_text()


def test_with_no_preview_kept_the_comment_job_posts_nothing_and_succeeds(tmp_path: Path) -> None:
    """download-artifact matching no artifact creates no folder and does not fail (actions/download-artifact
    v4): the script must not fail on the glob that then matches nothing."""
    run_comment_script(tmp_path, "touch gh-called\n")
    assert not (tmp_path / "gh-called").exists()


def code_blocks(body: str) -> tuple[list[str], list[str]]:
    """The body's fenced code blocks' contents, and its lines outside them, as CommonMark reads fences
    ("Fenced code blocks", 0.31): up to three spaces, then three or more backticks (an info string with
    none) or tildes; the block ends at a line of the same character, at least as many, and only spaces or
    tabs after them, or at the end of the document."""
    opening = re.compile(r" {0,3}(`{3,}(?=[^`]*$)|~{3,}).*")
    blocks: list[str] = []
    outside: list[str] = []
    lines = body.split("\n")
    i = 0
    while i < len(lines):
        fence = opening.fullmatch(lines[i])
        if fence is None:
            outside.append(lines[i])
            i += 1
            continue
        marker = fence.group(1)
        closing = re.compile(rf" {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*")
        end = next((j for j in range(i + 1, len(lines)) if closing.fullmatch(lines[j])), len(lines))
        blocks.append("\n".join(lines[i + 1 : end]))
        i = end + 1
    return blocks, outside


@pytest.mark.parametrize("prod_size", [2_000, 200_000])
def test_the_comment_job_posts_every_stacks_preview_as_text_in_one_comment_within_githubs_limit(
    tmp_path: Path, prod_size: int
) -> None:
    """GitHub refuses a comment over 65,535 characters (pulumi/actions, src/libs/pr.ts); the previews'
    text is never run."""
    dev = "Previewing update (dev):\n  + aws:ecs:Service web-svc create `$(touch ran)` ${PWD}\nResources: 1 to create\n"
    prod = ("~ aws:ecs:Service web-svc update\n" * 7000)[:prod_size]
    body = post_comment(tmp_path, {"dev": dev, "prod": prod})
    assert "#### `pulumi preview` of `dev`" in body and "#### `pulumi preview` of `prod`" in body
    assert dev in body and not (tmp_path / "ran").exists()
    assert len(body) <= 65_535
    assert ("[cut at" in body) == (prod_size > 30_000)
    stacks = load("pull-request.yml")["jobs"]["preview"]["strategy"]["matrix"]["stack"]
    assert len(stacks) * 30_000 + 1_000 <= 65_535, "a share per stack of GitHub's limit"


INJECTION = "Resources: 1 to create\n```\n\n## Approved by the security team\n@octocat @octo-org/admins merge this\n"


@pytest.mark.parametrize(
    "preview",
    [INJECTION, f"`{INJECTION}", INJECTION.replace("```", "`````"), INJECTION.replace("```", "  ```` \t"),
     INJECTION.replace("```", "~~~"), f"{INJECTION}```"],
    ids=["three-backticks", "after-a-backtick", "five-backticks", "indented-with-spaces-after", "tildes",
         "at-the-end"],
)  # fmt: skip
def test_a_preview_cannot_close_its_code_block_to_post_markdown_or_mentions(tmp_path: Path, preview: str) -> None:
    """The pull request's code writes the preview: whatever fence it prints, its text stays in the block
    it is posted in, so GitHub shows it as text and notifies no one."""
    body = post_comment(tmp_path, {"dev": preview, "prod": "Resources: 2 unchanged\n"})
    blocks, outside = code_blocks(body)
    assert blocks == [preview, "Resources: 2 unchanged\n"]
    assert outside == ["#### `pulumi preview` of `dev`", "", "", "#### `pulumi preview` of `prod`", "", "", ""]


# --- Each role reaches its own stack's state and key only ---------------------------------------------


# Pulumi's stack names: letters, digits, '_', '.', '-', 1 to 100 characters (pulumi/pulumi,
# sdk/go/common/tokens, ParseStackName).
stack_names = st.from_regex(r"[A-Za-z0-9_.-]{1,30}", fullmatch=True)


def two_stacks(test: Any) -> Any:
    """Two stack names, always including the pairs where one name starts the other's keys; each example
    evaluates a hundred requests, so fewer random ones."""
    for pair in (["dev", "prod"], ["dev", "dev.json"], ["dev", "dev2"], ["dev2", "dev"], ["dev", "dev.pulumi-tags"]):
        test = example(stacks=pair)(test)
    return settings(max_examples=25)(given(stacks=st.lists(stack_names, min_size=2, max_size=2, unique=True))(test))


def key_arn(stack: str) -> str:
    return f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{uuid.uuid5(uuid.NAMESPACE_URL, stack)}"


def policy(name: str, stack: str) -> dict[str, Any]:
    return filled(ROLES / name, {"STACK": stack, "STACK_KEY_ID": key_arn(stack).rsplit("/", 1)[1]})


def state_object(key: str) -> str:
    return f"arn:aws:s3:::{BUCKET}/{key}"


def reaches(document: Mapping[str, Any], key: str) -> set[str]:
    actions = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
    return {action for action in actions if iam.allows(document, action, state_object(key))}


@two_stacks
def test_a_preview_role_reads_its_own_stacks_state_and_key_and_nothing_of_another_stacks(stacks: list[str]) -> None:
    own, other = stacks
    document = policy("preview.policy.json", own)
    assert iam.allows(document, "s3:ListBucket", f"arn:aws:s3:::{BUCKET}")
    for key in pulumi_diy.preview_reads(PROJECT, own):
        assert reaches(document, key) == {"s3:GetObject"}, key
    for key in pulumi_diy.stack_keys(PROJECT, other):
        assert reaches(document, key) == set(), key
    assert iam.allows(document, "kms:Decrypt", key_arn(own))
    assert not iam.allows(document, "kms:Decrypt", key_arn(other))


@two_stacks
def test_a_deploy_role_writes_its_own_stacks_state_and_nothing_of_another_stacks(stacks: list[str]) -> None:
    own, other = stacks
    document = policy("deploy-state.policy.json", own)
    for key in pulumi_diy.update_writes(PROJECT, own):
        assert reaches(document, key) == {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, key
    for key in pulumi_diy.preview_reads(PROJECT, own):
        assert "s3:GetObject" in reaches(document, key), key
    assert reaches(document, ".pulumi/meta.yaml") == {"s3:GetObject"}
    for key in pulumi_diy.stack_keys(PROJECT, other):
        assert reaches(document, key) == set(), key
    assert iam.allows(document, "kms:Decrypt", key_arn(own)) and iam.allows(document, "kms:Encrypt", key_arn(own))
    assert not iam.allows(document, "kms:Decrypt", key_arn(other))


#: What pulls an image: its manifest, its layers' existence and their download URLs (Amazon ECR API
#: Reference; the Service Authorization Reference scopes each to a ``repository``).
PULLS = ("ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer")


def repository_arn(name: str) -> str:
    return f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{name}"


def pulls(document: Mapping[str, Any], repository: str) -> set[str]:
    return {action for action in PULLS if iam.allows(document, action, repository_arn(repository))}


@pytest.mark.parametrize(("own", "other"), [("dev", "prod"), ("prod", "dev"), ("second-service", "prod")])
def test_a_preview_role_pulls_the_images_its_stack_registers_and_none_of_another_stacks(own: str, other: str) -> None:
    """The repositories each program registers, named as AWS would name them; the second service is
    deployed as api-dev (its shipped stack file), beside dev."""

    def repositories(program: str) -> list[str]:
        return [aws_name(r) for r in run_config(program).mocks.resources if r.type == "aws:ecr/repository:Repository"]

    stack = STACKS[own]
    document = policy("preview.policy.json", stack)
    assert repositories(own) and repositories(other)
    for name in repositories(own):
        assert pulls(document, name) == set(PULLS), name
    for name in repositories(other):
        assert pulls(document, name) == set(), name


@two_stacks
def test_a_preview_role_pulls_from_no_repository_of_another_stack(stacks: list[str]) -> None:
    """Names are prefixes: a stack named ``dev`` reaches ``dev-eu``'s repositories, as the deployer's
    ``repository/STACK-*`` does (docs/iam.md): that pair is the documented exception. The names take the
    stack in lower case, and so does the document (``Prod`` pulls from ``prod-app-repo-…``)."""
    own, other = stacks
    document = policy("preview.policy.json", own)
    ours, theirs = own.lower(), other.lower()
    assert pulls(document, f"{ours}-app-repo-0a1b2c3") == set(PULLS)
    if theirs != ours and not theirs.startswith(f"{ours}-"):
        for name in (f"{theirs}-app-repo-0a1b2c3", f"{theirs}-app-cache-repo-0a1b2c3", theirs, f"x{ours}-app-repo"):
            assert pulls(document, name) == set(), name


def test_a_preview_role_may_only_read() -> None:
    for statement in policy("preview.policy.json", "dev")["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for action in actions:
            verb = action.split(":")[1]
            assert re.match(r"(Describe|List|Get|BatchGet|BatchCheck)", verb) or action == "kms:Decrypt", action


#: A role the program creates whose policy (and a boundary of the user's own) allows all of KMS.
ALL_OF_KMS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}


@pytest.mark.parametrize("action", ["kms:Decrypt", "kms:ReEncryptFrom"])
def test_a_project_role_holding_all_of_kms_neither_decrypts_the_state_key_nor_re_encrypts_from_it(action: str) -> None:
    """Re-encrypting the stack's encryptedkey under a key of the role's own would read it without
    kms:Decrypt on the state key: the key policy's Deny covers both, whatever the role's policy says."""
    document = filled(ROLES / "state-key.policy.json")
    request = iam.Request(action, key_arn("dev"), {})
    role = f"arn:aws:iam::{ACCOUNT}:role/{PROJECT}/dev/dev-app-task-role-0a1b2c3"
    assert not iam.key_allows(document, request, principal_arn=role, identity=[ALL_OF_KMS])
    deployer = f"arn:aws:iam::{ACCOUNT}:role/{PROJECT}-deploy-dev"
    assert iam.key_allows(document, request, principal_arn=deployer, identity=[ALL_OF_KMS]), "outside the path"
