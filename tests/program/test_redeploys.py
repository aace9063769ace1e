"""Every redeploy sequence pushes only what ECR accepts, and a preview writes nothing.

Each step runs the real program under mocks, then replays what it registered against models of
pulumi-docker-build (when it rebuilds, pushes and exports caches) and of ECR's tag rule (what it
refuses): ``tests/models/``.
"""

import shutil
from pathlib import Path

import pytest

from tests.models.docker_build import IMAGE, INDEX, Engine
from tests.models.ecr import EcrRepository, ImageTagAlreadyExistsError
from tools.offline import ACCOUNT, REGION, ROOT, Run, run_program

REPO = "aws:ecr/repository:Repository"
MULTI_ARCH = {"dockerfile": "Dockerfile", "platforms": '["linux/arm64", "linux/amd64"]'}
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

    def __init__(self, *, mutability: str | None = None) -> None:
        self.repositories: dict[str, EcrRepository] = {}
        self.cache_writes: list[str] = []
        self.pushes: list[str] = []
        self.engine = Engine(push=self._push, export_cache=self.cache_writes.append)
        self._mutability = mutability

    def _push(self, ref: str, digest: str) -> None:
        url, tag = ref.rsplit(":", 1)
        self.pushes.append(ref)
        self.repositories[url].push(tag, digest)

    def deploy(self, root: Path, overrides: dict[str, str] | None = None, *, preview: bool = False) -> Run:
        run = run_program("dev", overrides, root=root)
        for repo in run.mocks.resources:
            if repo.type == REPO:
                url = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo.name}"
                rule = EcrRepository.from_inputs(repo.inputs)
                if self._mutability:
                    rule.mutability = self._mutability
                self.repositories.setdefault(url, rule)
        builds = [(r.type, r.name, r.inputs) for r in run.mocks.resources if r.type in (IMAGE, INDEX)]
        self.engine.deploy(builds, root, preview=preview)
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


def test_toggling_the_npm_ca_bundle_deploys_every_time(project: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    account = Account()
    for value in ("", str(bundle), "", str(bundle)):
        account.deploy(project, {"npmCaBundle": value})
    assert len(set(account.pushes)) == 1 and len(account.pushes) == 4  # the secret appearing or going rebuilds


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
