"""Write ``components/service/node_options.json``: what the image's Node.js lets ``NODE_OPTIONS`` carry.

    PATH="$(python3 tools/node_bootstrap.py):$PATH" .venv/bin/python tools/node_options_rules.py

Node refuses to start ("... is not allowed in NODE_OPTIONS", exit 9) on any option outside the set it
publishes as ``process.allowedNodeEnvironmentFlags`` (nodejs.org doc/api/process.md), so the task's
``NODE_OPTIONS`` is judged against that set before anything is deployed (``components/service/
node_options.py``). Node's parser (src/node_options-inl.h, ``OptionsParser::Parse``) also needs to know
which options take a value (then the next token is that value) and which are V8's (a V8 flag takes its
value only after ``=``; ``--no-`` negates a V8 flag as it does a Node boolean): those come from the
option table Node's own ``--help`` reads (``internalBinding('options').getCLIOptionsInfo()``, behind
``--expose-internals``) and from ``node --v8-options`` (each V8 flag's type). The file records the Node
version it came from; tests/unit/test_node_options.py compares it with the bootstrapped Node.
Standard library only.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "components" / "service" / "node_options.json"

#: Run with ``--expose-internals``: the allowed options, those that need a value (Node's option types
#: kInteger, kUInteger, kString, kHostPort, kStringList; an alias takes its target's) and V8's.
_SCRIPT = r"""
const { internalBinding } = require('internal/test/binding');
const { options, aliases } = internalBinding('options').getCLIOptionsInfo();
const { types } = internalBinding('options');
const valued = new Set([types.kInteger, types.kUInteger, types.kString, types.kHostPort, types.kStringList]);
const allowed = [...process.allowedNodeEnvironmentFlags].sort();
const typeOf = (flag) => {
  const own = options.get(flag);
  if (own) return own.type;
  const expansion = aliases.get(flag);
  // An alias that brings its own value (--trace-events-enabled) takes none from the user.
  return expansion && expansion.length === 1 ? typeOf(expansion[0]) : undefined;
};
const takesValue = allowed.filter((flag) => valued.has(typeOf(flag)));
const v8 = allowed.filter((flag) => typeOf(flag) === types.kV8Option);
process.stdout.write(JSON.stringify({ version: process.version, allowed, takesValue, v8 }));
"""


def _v8_types(node: str, flags: list[str]) -> dict[str, str]:
    """Each V8 flag's type as ``node --v8-options`` prints it (``bool``, ``size_t``, ``int`` ...)."""
    listing = subprocess.run([node, "--v8-options"], capture_output=True, text=True, check=True).stdout
    types = dict(re.findall(r"^\s+(--[\w-]+) \(.*?\)\n\s+type: (\w+)", listing, re.MULTILINE | re.DOTALL))
    return {flag: types[flag] for flag in flags}


def rules(node: str) -> dict[str, object]:
    """The rules of ``node`` (an executable), in the form ``node_options.json`` holds them."""
    found = json.loads(
        subprocess.run(
            [node, "--expose-internals", "--no-warnings", "-e", _SCRIPT], capture_output=True, text=True, check=True
        ).stdout
    )
    return {
        "node": found["version"],
        "source": "process.allowedNodeEnvironmentFlags; value-taking options from internalBinding('options')"
        ".getCLIOptionsInfo(); V8 flag types from node --v8-options (tools/node_options_rules.py)",
        "allowed": found["allowed"],
        "takes_value": found["takesValue"],
        "v8": _v8_types(node, found["v8"]),
    }


def main() -> None:
    node = shutil.which("node")
    if node is None:
        raise SystemExit('node_options_rules: no node on PATH (PATH="$(python3 tools/node_bootstrap.py):$PATH")')
    OUT.write_text(json.dumps(rules(node), indent=1) + "\n")
    print(f"node_options_rules: wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
