"""Pulumi.yaml's typed config and the README's table stay in step with CONFIG_KEYS."""

from pathlib import Path

import pytest
import yaml

import tools.config_docs as config_docs
from settings import CONFIG_KEYS, load_settings
from tools.config_docs import README_BEGIN, README_END, readme_table

ROOT = Path(__file__).resolve().parents[2]


def test_pulumi_yaml_declares_every_key_with_type_description_and_default() -> None:
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    assert list(declared) == [key.name for key in CONFIG_KEYS]
    for key in CONFIG_KEYS:
        spec = declared[key.name]
        assert spec["type"] == key.type
        assert spec["description"] == key.description
        default = tuple(spec["default"]) if key.type == "array" else spec["default"]
        assert default == key.default, key.name
        if key.type == "array":
            assert spec["items"] == {"type": "string"}


def test_pulumi_yaml_runs_python_with_uv_a_virtualenv_and_pyright() -> None:
    runtime = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["runtime"]
    assert runtime["name"] == "python"
    assert runtime["options"] == {"toolchain": "uv", "virtualenv": ".venv", "typechecker": "pyright"}


def test_the_readme_config_table_is_the_rendered_table() -> None:
    readme = (ROOT / "README.md").read_text()
    between = readme.split(README_BEGIN, 1)[1].split(README_END, 1)[0]
    assert between.strip() == readme_table().strip(), "run: .venv/bin/python tools/config_docs.py --write"


def test_the_check_passes_on_the_repository_and_names_a_file_that_drifted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert config_docs.main(["--check"]) == 0
    for name in ("Pulumi.yaml", "README.md"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text().replace("| `cpu` |", "| `cpus` |", 1))
    monkeypatch.setattr(config_docs, "ROOT", tmp_path)
    assert config_docs.main(["--check"]) == 1
    assert capsys.readouterr().err == (
        "config_docs: README.md differs from CONFIG_KEYS; run tools/config_docs.py --write\n"
    )


def test_the_program_reads_every_declared_key() -> None:
    read: list[str] = []

    class Recording(dict):
        def get(self, key, default=None):
            read.append(key)
            return super().get(key, default)

    load_settings(Recording())
    assert set(read) == {key.name for key in CONFIG_KEYS}


@pytest.mark.parametrize("stack_file", sorted(p.name for p in ROOT.glob("Pulumi.*.yaml")))
def test_each_stack_sets_only_declared_keys_and_its_region(stack_file: str) -> None:
    stack = yaml.safe_load((ROOT / stack_file).read_text())["config"]
    assert stack["aws:region"]
    names = {key.name for key in CONFIG_KEYS}
    for key in stack:
        namespace, _, name = key.partition(":")
        assert (namespace == "aws" and name == "region") or (namespace == "graviton-node" and name in names), key
