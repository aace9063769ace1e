"""``NODE_OPTIONS`` is judged as the image's Node reads it: the stored rules are that Node's, and the pure
check refuses exactly what would stop the app (Node exits 9) or leave it without the task's heap ceiling."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service import node_options
from components.service.env_tuning import (
    SEMI_SPACES,
    Tuning,
    check_untuned,
    heap_ceiling_mib,
    semi_space_mib,
    tuned_environment,
)
from components.service.node_options import parse, tokens
from components.service.service_spec import ServiceSpec
from tools.node_bootstrap import image_node_version, major_of
from tools.node_options_rules import OUT, rules

NODE = shutil.which("node")
PINNED = image_node_version()
PINNED_MAJOR = int(PINNED.split(".")[0])
real_node = pytest.mark.skipif(
    NODE is None or major_of(NODE) != PINNED_MAJOR,
    reason=f'needs the image\'s Node {PINNED_MAJOR} on PATH: PATH="$(python3 tools/node_bootstrap.py):$PATH"',
)


def refused(value: str) -> bool:
    try:
        check_untuned({"NODE_OPTIONS": value}, app_memory_mib=2048, sidecar_memory=(), tuning=Tuning())
    except ConfigError:
        return True
    return False


def test_the_stored_rules_come_from_the_image_s_node_version() -> None:
    assert node_options.NODE_VERSION.split(".")[0] == f"v{PINNED_MAJOR}"
    assert {"--require", "-r", "--max-old-space-size"} <= node_options.ALLOWED
    assert "--stack-size" not in node_options.ALLOWED


@real_node
def test_the_stored_rules_are_what_the_node_on_path_publishes() -> None:
    assert NODE is not None
    assert json.loads(OUT.read_text()) == {**rules(NODE), "node": node_options.NODE_VERSION}


MIB = 1024 * 1024
#: (user NODE_OPTIONS, why), each a case the pure check and the real Node must agree on.
SAMPLE = [
    "",
    "--enable-source-maps",
    "--enable_source_maps",
    "--require ./otel.js",
    "-r ./otel.js",
    "--require=./otel.js",
    '--require "./my otel.js"',
    "--import ./otel.js --no-warnings",
    "--no-deprecation  --trace-warnings",
    "--no-expose-gc",
    "--expose_gc",
    "--stack-trace-limit=50",
    "--max-semi-space-size=32",
    "--max_semi_space_size=8",
    "-C dev",
    "--conditions=dev",
    '--title "a b"',
    "--unhandled-rejections=strict",
    "--warnings=1",
    # refused by Node at start (exit 9)
    "--stack-size=2000",
    "--stack_size=2000",
    "--max-heap-size=512",
    "--harmony",
    "-r=./otel.js",
    "--require",
    "--require --no-warnings",
    "--title=",
    '--title "abc',
    "--",
    "--eval=1",
    "-e 1",
    "--no-require",
    "---require=./otel.js",
    "--max-semi-space-size 16",
    "--max-semi-space-size=abc",
    "--expose-gc=1",
    # started, but without the task's heap ceiling
    "--max-old-space-size-percentage=95",
    "--max_old_space_size_percentage 95",
    "otel.js",
    "--title a b",
    "- --no-warnings",
]


@real_node
@pytest.mark.parametrize("user", SAMPLE)
def test_the_check_refuses_what_the_real_node_refuses_or_runs_without_the_heap_ceiling(
    user: str, tmp_path: Path
) -> None:
    """Node runs a check with the task's NODE_OPTIONS (the user's and the heap ceiling after them): it
    agrees when it exits 0 with the heap limit the tuning sets (the old-space ceiling and the young
    generation) and when it does not."""
    assert NODE is not None
    for preload in ("otel.js", "my otel.js"):
        (tmp_path / preload).write_text("")
    env = tuned_environment({"NODE_OPTIONS": user}, container_memory_mib=2048, tuning=Tuning())
    semi_space = semi_space_mib(() if refused(user) else parse(user))
    limit = (heap_ceiling_mib(2048, 70) + SEMI_SPACES * semi_space) * MIB
    script = f"process.exit(require('v8').getHeapStatistics().heap_size_limit === {limit} ? 0 : 3)"
    run = subprocess.run([NODE, "-e", script], env={**env, "PATH": ""}, cwd=tmp_path, capture_output=True, timeout=30)
    assert refused(user) == (run.returncode != 0), run.stderr.decode()


@pytest.mark.parametrize(
    ("user", "flag"),
    [
        ("--stack-size=2000", "--stack-size"),
        ("--enable-source-maps --max-heap-size=512", "--max-heap-size"),
        ("--require", "--require"),
        ("--title a b", "'b'"),
    ],
)
def test_a_refused_option_is_named_with_the_environment_key(user: str, flag: str) -> None:
    with pytest.raises(ConfigError) as error:
        ServiceSpec(environment={"NODE_OPTIONS": user})
    assert (error.value.key, error.value.value) == ("ServiceSpec.environment", f"NODE_OPTIONS={user}")
    assert flag in error.value.allowed


@pytest.mark.parametrize(
    "user",
    ["--max-old-space-size-percentage=95", "--max_old_space_size_percentage=95", "--max-old-space-size-percentage 50"],
)
def test_the_heap_percentage_flag_is_a_second_heap_ceiling(user: str) -> None:
    with pytest.raises(ConfigError, match="without --max-old-space-size or --max-old-space-size-percentage"):
        ServiceSpec(environment={"NODE_OPTIONS": user})


@pytest.mark.parametrize(
    ("value", "split"),
    [
        ("--a  --b", ["--a", "--b"]),
        ('--title "a b"', ["--title", "a b"]),
        ('--title "a\\"b"', ["--title", 'a"b']),
        ('--title "a\\\\b"', ["--title", "a\\b"]),
        ("a\\ b", ["a\\", "b"]),
        ('--no-"warnings"', ["--no-warnings"]),
    ],
)
def test_node_options_split_at_spaces_outside_double_quotes(value: str, split: list[str]) -> None:
    assert tokens(value) == split


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters='"\\'), min_size=1), max_size=5))
def test_any_words_quoted_one_by_one_come_back_as_they_were(words: list[str]) -> None:
    assert tokens(" ".join(f'"{word}"' for word in words)) == words


def test_a_value_token_is_the_value_of_the_option_before_it() -> None:
    assert [(o.name, o.value) for o in parse("-r ./otel.js --title=a --no-warnings")] == [
        ("-r", "./otel.js"),
        ("--title", "a"),
        ("--no-warnings", None),
    ]


def test_the_user_s_quoted_node_options_reach_the_task_as_written() -> None:
    env = tuned_environment({"NODE_OPTIONS": '--require "./my otel.js"'}, container_memory_mib=1024, tuning=Tuning())
    assert env["NODE_OPTIONS"] == '--require "./my otel.js" --max-old-space-size=716'
