"""Render the config docs from ``CONFIG_KEYS``: Pulumi.yaml's ``config:`` block and the README table.

    python tools/config_docs.py          # print both
    python tools/config_docs.py --write  # rewrite them in place

A test fails when either file drifts from the table.
"""

from __future__ import annotations

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
    if "--write" in argv:
        for path, render in ((ROOT / "Pulumi.yaml", _replace_yaml), (ROOT / "README.md", _replace_readme)):
            path.write_text(render(path.read_text()))
        return 0
    sys.stdout.write(pulumi_yaml_config() + "\n" + readme_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
