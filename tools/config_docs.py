"""Render the config docs from ``CONFIG_KEYS``: Pulumi.yaml's ``config:`` block and the README table.

    .venv/bin/python tools/config_docs.py          # print both
    .venv/bin/python tools/config_docs.py --write  # rewrite them in place
    .venv/bin/python tools/config_docs.py --check  # exit 1 naming each file that drifted

A test fails when either file drifts from the table.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from settings import CONFIG_KEYS, ConfigValue  # noqa: E402

README_BEGIN = "<!-- config-table:begin -->"
README_END = "<!-- config-table:end -->"
YAML_BEGIN = "config:\n"


def _yaml_scalar(value: ConfigValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return json.dumps(list(value))
    return json.dumps(value)


def pulumi_yaml_config() -> str:
    """The ``config:`` block, one typed key each, in table order."""
    lines = [YAML_BEGIN.rstrip("\n")]
    for key in CONFIG_KEYS:
        lines.append(f"  {key.name}:")
        lines.append(f"    type: {key.type}")
        if key.type == "array":
            lines.append("    items:")
            lines.append("      type: string")
        lines.append(f"    description: {json.dumps(key.description)}")
        lines.append(f"    default: {_yaml_scalar(key.default)}")
    return "\n".join(lines) + "\n"


def readme_table() -> str:
    """The README's markdown table of keys."""
    rows = ["| key | type | default | description |", "|---|---|---|---|"]
    for key in CONFIG_KEYS:
        default = _yaml_scalar(key.default)
        rows.append(f"| `{key.name}` | {key.type} | `{default}` | {key.description} |")
    return "\n".join(rows) + "\n"


def _replace_readme(text: str) -> str:
    pattern = re.compile(re.escape(README_BEGIN) + r".*?" + re.escape(README_END), re.S)
    return pattern.sub(lambda _: f"{README_BEGIN}\n{readme_table()}{README_END}", text)


def _replace_yaml(text: str) -> str:
    head, _, _ = text.partition(YAML_BEGIN)
    return head + pulumi_yaml_config()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Render Pulumi.yaml's config block and the README's table.")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite both files in place")
    mode.add_argument("--check", action="store_true", help="exit 1 naming each file that differs from the table")
    args = parser.parse_args(argv)
    renders = ((ROOT / "Pulumi.yaml", _replace_yaml), (ROOT / "README.md", _replace_readme))
    if args.write:
        for path, render in renders:
            path.write_text(render(path.read_text()))
        return 0
    if args.check:
        drifted = [path.name for path, render in renders if render(text := path.read_text()) != text]
        for name in drifted:
            print(f"config_docs: {name} differs from CONFIG_KEYS; run tools/config_docs.py --write", file=sys.stderr)
        return 1 if drifted else 0
    sys.stdout.write(pulumi_yaml_config() + "\n" + readme_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
