"""`tools/check_image.py --stack` builds the image the stack is configured to build (its dockerContext and
dockerfile) and checks it on the stack's port and health path; no Docker engine is needed to see which."""

import pytest

from tools import check_image
from tools.offline import ROOT

OWN_APP = ["--set", "dockerContext=tests/fixtures/tiny-app", "--set", "dockerfile=tiny.Dockerfile"]


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """What would have reached Docker: the docker CLI calls and the checks run."""
    seen: dict[str, list] = {"docker": [], "check": []}
    monkeypatch.setattr(check_image, "docker", lambda *args, **_: seen["docker"].append(list(args)))
    monkeypatch.setattr(check_image, "check", lambda *args: seen["check"].append(args) or [("point", True, "")])
    return seen


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_the_stacks_own_app_is_built_from_its_context_and_dockerfile_and_checked_on_its_port(engine: dict) -> None:
    lines: list[str] = []
    settings = ["--set", "containerPort=8081", "--set", "healthCheckPath=/ready"]
    assert check_image.main(["--stack", "dev", *OWN_APP, *settings], out=lines.append) == 0
    (build,) = engine["docker"]
    assert build[:2] == ["buildx", "build"] and option(build, "--platform") == "linux/arm64"
    assert option(build, "--file") == str(ROOT / "tests/fixtures/tiny-app/tiny.Dockerfile")
    assert build[-1] == str(ROOT / "tests/fixtures/tiny-app")
    assert engine["check"] == [("graviton-node-check:dev", "linux/arm64", 8081, "/ready")]
    assert lines == [
        f"building the dev stack's image for linux/arm64 from {ROOT / 'tests/fixtures/tiny-app/tiny.Dockerfile'}",
        "PASS  point",
    ]


def test_an_image_given_with_a_stack_is_checked_on_the_stacks_port_without_a_build(engine: dict) -> None:
    assert check_image.main(["ref", "--stack", "dev", "--set", "containerPort=9000"], out=lambda _: None) == 0
    assert engine["docker"] == []
    assert engine["check"] == [("ref", "linux/arm64", 9000, "/health")]


def test_without_a_stack_the_defaults_are_the_samples(engine: dict) -> None:
    assert check_image.main(["ref"], out=lambda _: None) == 0
    assert engine["check"] == [("ref", "linux/arm64", 8080, "/health")]


def test_a_config_mistake_is_named_before_anything_is_built(engine: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_image.main(["--stack", "dev", "--set", "dockerContext=../elsewhere"], out=lambda _: None) == 2
    assert capsys.readouterr().err.startswith("error: config 'dockerContext': got '../elsewhere'")
    assert engine == {"docker": [], "check": []}


def test_neither_an_image_nor_a_stack_is_a_usage_error(engine: dict) -> None:
    with pytest.raises(SystemExit) as exit_:
        check_image.main([])
    assert exit_.value.code == 2
