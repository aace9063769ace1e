"""Every redeploy sequence pushes only what ECR accepts, and a preview writes nothing.

Each step runs the real program under mocks, then replays what it registered against models of
pulumi-docker-build (when it rebuilds, pushes and exports caches) and of ECR's tag rule (what it
refuses): ``tests/models/``.
"""

import shutil
from pathlib import Path

import pytest

from settings import BUILD_SECRET_FILES
from tests.models.docker_build import IMAGE, INDEX, Engine
from tests.models.ecr import EcrRepository, ImageTagAlreadyExistsError
from tools.offline import ACCOUNT, REGION, ROOT, Run, run_program

REPO = "aws:ecr/repository:Repository"
#: The maximal stack's image (tests/program/stacks.py, MAXIMAL): two platforms joined by an Index.
MULTI_ARCH = {"dockerfile": "Dockerfile", "platforms": '["linux/arm64", "linux/amd64"]'}
SINGLE_ARCH = {"dockerfile": "Dockerfile", "platforms": '["linux/arm64"]'}
#: An app of the user's own (tests/program/test_own_app.py): its own context and Dockerfile.
TINY = "tests/fixtures/tiny-app"
OWN_APP = {"dockerContext": TINY, "dockerfile": "tiny.Dockerfile"}


def checkout(base: Path, name: str) -> Path:
    """A copy of the project at another path, as CI and a laptop each have one."""
    root = base / name
    root.mkdir()
    for file in ("Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py"):
        shutil.copy(ROOT / file, root / file)
    shutil.copytree(ROOT / "docker", root / "docker", ignore=shutil.ignore_patterns("node_modules"))
    shutil.copytree(ROOT / TINY, root / TINY)
    return root


class Account:
    """ECR repositories and docker-build's state, carried from one deployment to the next."""

    def __init__(self, *, mutability: str | None = None, retain: bool | None = None) -> None:
        """``retain``, when given, stands in for each docker-build resource's ``retain_on_delete``."""
        self.repositories: dict[str, EcrRepository] = {}
        self.cache_writes: list[str] = []
        self.pushes: list[str] = []
        self.pinned: list[str] = []
        """The image each deploy's task definition pins (its ``image_ref``), oldest first."""
        self.children: dict[str, list[str]] = {}
        """An index's digest -> its platform images' digests: pulling it pulls one of them."""
        self.engine = Engine(push=self._push, export_cache=self.cache_writes.append, delete=self._delete)
        self._mutability = mutability
        self.retain = retain

    def _push(self, ref: str, digest: str) -> None:
        url, tag = ref.rsplit(":", 1)
        self.pushes.append(ref)
        self.repositories[url].push(tag, digest)

    def _delete(self, ref: str) -> None:
        self.repositories[ref.split("@")[0].rsplit(":", 1)[0]].delete(ref.rsplit("@", 1)[1])

    def can_pull(self, ref: str) -> bool:
        """Whether a task can start from ``ref``: its image, and every platform image of an index, are held."""
        repository = self.repositories[ref.split("@")[0].rsplit(":", 1)[0]]
        digest = ref.rsplit("@", 1)[1]
        return repository.can_pull(ref) and all(child in repository.images for child in self.children.get(digest, []))

    def deploy(self, root: Path, overrides: dict[str, str] | None = None, *, preview: bool = False) -> Run:
        run = run_program("dev", overrides, root=root)
        for repo in run.mocks.resources:
            if repo.type == REPO:
                url = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo.name}"
                rule = EcrRepository.from_inputs(repo.inputs)
                if self._mutability:
                    rule.mutability = self._mutability
                self.repositories.setdefault(url, rule)
        builds = [r for r in run.mocks.resources if r.type in (IMAGE, INDEX)]
        retain = [r.retain_on_delete if self.retain is None else self.retain for r in builds]
        registered = [(r.type, r.name, r.inputs, kept) for r, kept in zip(builds, retain, strict=True)]
        self.engine.deploy(registered, root, preview=preview)
        if not preview:
            # The task definition pins the index of a multi-arch build, else the one pushed image.
            pinned = [r for r in builds if r.type == INDEX] or [r for r in builds if r.inputs.get("push")]
            self.pinned.append(self.engine.ref(pinned[0].name))
            for index in (self.engine.state[r.name] for r in builds if r.type == INDEX):
                self.children[index["digest"]] = [source.rsplit("@", 1)[1] for source in index["sources"]]
        return run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return checkout(tmp_path, "ci-checkout")


def edit(root: Path, text: str) -> None:
    (root / "docker" / "app" / "server.js").write_text(text)


def test_the_same_commit_from_another_checkout_path_builds_and_pushes_nothing(project: Path, tmp_path: Path) -> None:
    account = Account()
    account.deploy(project)
    pushed = list(account.pushes)
    account.deploy(checkout(tmp_path, "laptop"))
    assert account.pushes == pushed


def test_a_change_in_the_own_apps_context_pushes_a_new_tag_and_a_change_outside_it_pushes_nothing(
    project: Path,
) -> None:
    account = Account()
    account.deploy(project, OWN_APP)
    edit(project, "// the sample changes, outside the app's context\n")
    account.deploy(project, OWN_APP)
    assert len(account.pushes) == 1
    server = project / TINY / "server.js"
    server.write_text(server.read_text() + "// a change to the app\n")
    account.deploy(project, OWN_APP)
    first, second = (ref.rsplit(":", 1)[1] for ref in account.pushes)
    assert first != second, "a new tag for new content: the task definition's image changes"


def test_a_change_to_the_own_apps_dockerfile_alone_pushes_a_new_tag(project: Path) -> None:
    account = Account()
    account.deploy(project, OWN_APP)
    dockerfile = project / TINY / "tiny.Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "ENV LOG_LEVEL=info\n")
    account.deploy(project, OWN_APP)
    assert len({ref.rsplit(":", 1)[1] for ref in account.pushes}) == 2


def test_moving_from_the_sample_to_the_own_app_and_back_deploys(project: Path) -> None:
    account = Account()
    for overrides in ({}, OWN_APP, {}):
        account.deploy(project, overrides)
    tags = [ref.rsplit(":", 1)[1] for ref in account.pushes]
    assert len(tags) == 3 and tags[0] == tags[2] != tags[1]


def test_a_revert_to_an_earlier_build_deploys(project: Path) -> None:
    account = Account()
    original = (project / "docker" / "app" / "server.js").read_text()
    account.deploy(project)
    edit(project, original + "// B\n")
    account.deploy(project)
    edit(project, original)
    account.deploy(project)
    assert len(account.pushes) == 3
    assert account.pushes[0] == account.pushes[2]  # build-A again: the deploy's tags may move


def test_a_file_mode_change_alone_redeploys(project: Path) -> None:
    account = Account()
    account.deploy(project)
    (project / "docker" / "app" / "server.js").chmod(0o755)
    account.deploy(project)
    assert len(account.pushes) == 2 and account.pushes[0] == account.pushes[1]


@pytest.mark.parametrize("key", BUILD_SECRET_FILES)
def test_toggling_a_build_secret_file_deploys_every_time(project: Path, tmp_path: Path, key: str) -> None:
    file = tmp_path / "secret"
    file.write_text("-----BEGIN CERTIFICATE-----\n")
    account = Account()
    for value in ("", str(file), "", str(file)):
        account.deploy(project, {key: value})
    assert len(set(account.pushes)) == 1 and len(account.pushes) == 4  # the secret appearing or going rebuilds


@pytest.mark.parametrize("key", BUILD_SECRET_FILES)
def test_a_build_secret_files_new_content_deploys_nothing(project: Path, tmp_path: Path, key: str) -> None:
    """A rotated npm token rebuilds nothing: the next build that runs npm ci reads the new one."""
    file = tmp_path / "secret"
    file.write_text("//npm.example.com/:_authToken=old\n")
    account = Account()
    account.deploy(project, {key: str(file)})
    file.write_text("//npm.example.com/:_authToken=new\n")
    account.deploy(project, {key: str(file)})
    assert len(account.pushes) == 1


def test_a_deploy_after_lost_state_deploys(project: Path) -> None:
    account = Account()
    account.deploy(project)
    account.engine.state.clear()
    account.deploy(project)
    assert len(account.pushes) == 2


def test_platforms_changed_and_changed_back_deploy(project: Path) -> None:
    account = Account()
    account.deploy(project)
    account.deploy(project, MULTI_ARCH)
    account.deploy(project)
    tags = [ref.rsplit(":", 1)[1] for ref in account.pushes]
    index = tags[-2]  # the index is pushed after its platform images
    assert tags == [tags[0], f"{index}-arm64", f"{index}-amd64", index, tags[0]]


def test_with_every_tag_immutable_the_revert_would_be_refused(project: Path) -> None:
    """The model is not vacuous: under a plain IMMUTABLE repository (the old rule) ECR refuses the revert."""
    account = Account(mutability="IMMUTABLE")
    original = (project / "docker" / "app" / "server.js").read_text()
    account.deploy(project)
    edit(project, original + "// B\n")
    account.deploy(project)
    edit(project, original)
    with pytest.raises(ImageTagAlreadyExistsError):
        account.deploy(project)


def test_tags_outside_the_deploys_namespace_stay_immutable(project: Path) -> None:
    account = Account()
    account.deploy(project)
    (repository,) = (r for url, r in account.repositories.items() if url.endswith("-app-repo"))
    for tag in ("v1.2.3", "prod", "latest", "release-build-1"):
        repository.push(tag, "sha256:1")
        with pytest.raises(ImageTagAlreadyExistsError):
            repository.push(tag, "sha256:1")


def test_the_task_definition_pins_the_digest_that_was_built(project: Path) -> None:
    run = Account().deploy(project)
    image_ref = run.outputs["image_ref"]
    container = run.mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"]
    assert "@sha256:" in image_ref and f'"image": "{image_ref}"' in container


def test_docker_build_gets_project_relative_paths(project: Path) -> None:
    run = run_program("dev", root=project)
    image = run.mocks.find(IMAGE, "dev-app-image").inputs
    assert image["context"] == {"location": "docker"}
    assert image["dockerfile"] == {"location": "docker/Dockerfile.graviton"}
    own = run_program("dev", OWN_APP, root=project).mocks.find(IMAGE, "dev-app-image").inputs
    assert (own["context"], own["dockerfile"]) == ({"location": TINY}, {"location": f"{TINY}/tiny.Dockerfile"})


@pytest.mark.parametrize("overrides", [{}, MULTI_ARCH], ids=["single", "multi-arch"])
def test_a_preview_of_a_change_pushes_nothing_and_writes_no_cache(project: Path, overrides: dict[str, str]) -> None:
    account = Account()
    account.deploy(project, overrides)
    assert account.cache_writes, "an update writes the cache"
    account.cache_writes.clear()
    pushed = list(account.pushes)
    edit(project, "// a pull request\n")
    account.deploy(project, overrides, preview=True)
    assert account.engine.builds > len(pushed), "the preview still builds (and reads the cache)"
    assert (account.pushes, account.cache_writes) == (pushed, [])


def test_a_first_preview_writes_nothing_either(project: Path) -> None:
    account = Account()
    account.deploy(project, preview=True)
    assert (account.pushes, account.cache_writes) == ([], [])


def test_the_program_registers_the_same_builds_in_a_preview_as_in_an_update(project: Path) -> None:
    """No preview-only inputs: a preview shows a build change only when ``pulumi up`` would make one."""

    def builds(preview: bool) -> list[tuple[str, dict]]:
        run = run_program("dev", root=project, preview=preview)
        return [(r.name, r.inputs) for r in run.mocks.resources if r.type in (IMAGE, INDEX)]

    assert builds(preview=True) == builds(preview=False)


def dockerfile_comment(root: Path, n: int) -> None:
    dockerfile = root / "docker" / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + f"# note {n}\n")


def app_change(root: Path, n: int) -> None:
    server = root / "docker" / "app" / "server.js"
    server.write_text(server.read_text() + f"// change {n}\n")


def ignored_test(root: Path, n: int) -> None:
    (root / "docker" / "app" / "test" / "extra.test.js").write_text(f"// test {n}\n")


CHANGES = {"a Dockerfile comment": dockerfile_comment, "an app change": app_change, "an ignored test": ignored_test}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES)
def test_no_redeploy_deletes_an_image_a_kept_task_definition_revision_pins(project: Path, change) -> None:
    """Four deploys, within the ten builds dev keeps: every revision can still start a task (Spot
    replacement, scale-out, a rollback) — a same-content rebuild and a new build alike."""
    account = Account()
    account.deploy(project, MULTI_ARCH)
    for n in range(3):
        change(project, n)
        account.deploy(project, MULTI_ARCH)
    assert [ref for ref in account.pinned if not account.can_pull(ref)] == []


def test_moving_between_multi_and_single_arch_keeps_every_pinned_image(project: Path) -> None:
    """The same content built for one platform is the same digest as that platform's image in the index."""
    account = Account()
    for overrides in (MULTI_ARCH, SINGLE_ARCH, MULTI_ARCH, SINGLE_ARCH):
        account.deploy(project, overrides)
    assert [ref for ref in account.pinned if not account.can_pull(ref)] == []


@pytest.mark.parametrize("change", [dockerfile_comment, app_change], ids=["same digest", "new digest"])
def test_without_retain_on_delete_the_replaced_index_takes_a_pinned_image_with_it(project: Path, change) -> None:
    """The model is not vacuous: docker-build as registered before, without ``retain_on_delete``."""
    account = Account(retain=False)
    account.deploy(project, MULTI_ARCH)
    change(project, 0)
    account.deploy(project, MULTI_ARCH)
    assert not all(account.can_pull(ref) for ref in account.pinned)


def test_a_stack_deployed_without_retain_keeps_its_image_once_its_state_marks_the_index_retained(
    project: Path,
) -> None:
    """The engine deletes a replaced resource by its *old* state's option, so the first deploy of this version
    would still delete; ``"retainOnDelete": true`` set on the index in the state first (``pulumi stack export``,
    edit, ``pulumi stack import``: docs/images.md, "Upgrading a multi-arch stack") avoids it."""
    account = Account(retain=False)
    account.deploy(project, MULTI_ARCH)
    account.retain = None
    account.engine.state["dev-app-index"]["retain"] = True
    dockerfile_comment(project, 0)
    account.deploy(project, MULTI_ARCH)
    assert all(account.can_pull(ref) for ref in account.pinned)


def test_a_stack_deployed_without_retain_upgraded_with_its_context_as_it_was_keeps_every_image(project: Path) -> None:
    """The tag is hashed as released, so the upgrade's deploy replaces no index and writes ``retain_on_delete``
    into the state of what it keeps; the same-digest rebuilds after it delete nothing (docs/images.md,
    "Upgrading a multi-arch stack")."""
    account = Account(retain=False)
    account.deploy(project, MULTI_ARCH)
    account.retain = None
    account.deploy(project, MULTI_ARCH)
    for n in range(2):
        dockerfile_comment(project, n)
        account.deploy(project, MULTI_ARCH)
    assert [ref for ref in account.pinned if not account.can_pull(ref)] == []


def test_the_first_deploy_after_upgrading_deletes_by_the_old_state(project: Path) -> None:
    account = Account(retain=False)
    account.deploy(project, MULTI_ARCH)
    account.retain = None
    dockerfile_comment(project, 0)
    account.deploy(project, MULTI_ARCH)
    assert not account.can_pull(account.pinned[-1]), "the same digest: the live image goes with the old index"


def test_builds_that_never_ran_push_the_running_image_out_of_the_lifecycle_window(project: Path) -> None:
    """The limit of a count-based policy (docs/images.md, "What the lifecycle policy expires"): ECR counts
    pushes, never what a service runs. Image A runs; each later deploy pushes a build whose tasks never
    become healthy, and the circuit breaker rolls the service back to A. After ``keepBuilds`` of them, A
    expires and the next task start (a Spot replacement, a scale-out) cannot pull it."""
    keep = {"keepBuilds": "3"}
    account = Account()
    run = account.deploy(project, keep)
    running = account.pinned[0]
    (repository,) = (r for url, r in account.repositories.items() if url.endswith("-app-repo"))
    policy = run.mocks.find("aws:ecr/lifecyclePolicy:LifecyclePolicy", "dev-app-lifecycle").inputs["policy"]
    kept = []
    for n in range(3):
        app_change(project, n)
        account.deploy(project, keep)  # pushed, then rolled back: the service still runs A
        repository.expire(policy)
        kept.append(account.can_pull(running))
    assert kept == [True, True, False]
