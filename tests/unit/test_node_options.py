"""``NODE_OPTIONS`` is judged as the image's Node reads it: the stored rules are that Node's, and the pure
check refuses exactly what would stop the app (Node exits 9) or leave it without the task's heap ceiling."""

import json
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import Future
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service import node_options
from components.service.container_definition import health_check_command
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
from tests.unit import node_app
from tools.node_bootstrap import image_node_version, major_of
from tools.node_options_rules import OUT, rules

NODE = shutil.which("node")
TINY_APP = Path(__file__).resolve().parents[1] / "fixtures/tiny-app/server.js"
PINNED = image_node_version()
PINNED_MAJOR = int(PINNED.split(".")[0])
real_node = pytest.mark.skipif(
    NODE is None or major_of(NODE) != PINNED_MAJOR,
    reason=f'needs the image\'s Node {PINNED_MAJOR} on PATH: PATH="$(python3 tools/node_bootstrap.py):$PATH"',
)


def refused(value: str) -> bool:
    try:
        check_untuned(
            {"NODE_OPTIONS": value}, app_memory_mib=2048, sidecar_memory=(), tuning=Tuning(), health_checked=True
        )
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
#: How many SAMPLE cases run at once.
SIDE_BY_SIDE = 4
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
    "--use-openssl-ca --use-bundled-ca",
    "--tls-min-v1.3 --tls-max-v1.2",
    "--prof-process",
    "--enable-fips",
    "--force-fips",
    "--cpu-prof-dir=prof",
    "--cpu-prof-interval=500",
    "--heap-prof-name=x.heapprofile",
    "--allow-fs-read=*",
    "--watch",
    "--watch-path=.",
    "--no-watch --watch-path=.",
    # the app never listens, the check never exits: Node waits for a debugger
    "--inspect-brk=0",
    "--inspect_wait=0",
    # the health check's script (CommonJS) read as a module, or the snapshot's main run instead of either
    "--input-type=module",
    "--experimental-default-type=module",
    "--snapshot-blob snap.blob",
    # their siblings that start the app and let the check pass
    "--watch-path=. --no-watch",
    "--watch-preserve-output --watch-kill-signal=SIGINT",
    "--inspect-brk=0 --no-inspect-brk",
    "--inspect=0",
    "--input-type=commonjs",
    "--cpu-prof --cpu-prof-dir=prof",
    "--cpu-prof-interval=1000",
    "--heap-prof-interval=524288",
    "--experimental-permission --allow-fs-read=*",  # the tiny app has no native addon (--allow-addons)
    "--use-openssl-ca --no-use-openssl-ca --use-bundled-ca",
    "--test-only",
    # started, but without the task's heap ceiling
    "--max-old-space-size-percentage=95",
    "--max_old_space_size_percentage 95",
    "otel.js",
    "--title a b",
    "- --no-warnings",
]


def _exits_0(command: list[str], env: dict[str, str], cwd: Path) -> bool:
    try:
        return (
            subprocess.run(
                command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=10
            ).returncode
            == 0
        )
    except subprocess.TimeoutExpired:
        return False


def runs_as_the_task_would(user: str, folder: Path) -> bool:
    """With the task's NODE_OPTIONS (the user's and the heap ceiling after them), as in the container, the
    app (the tiny app's server.js in ``folder``, on a port of its own) answers its health path, the health check's own
    command passes against it, and a node -e runs with the heap limit the tuning sets (the old-space ceiling
    and the young generation)."""
    assert NODE is not None
    for preload in ("otel.js", "my otel.js"):
        (folder / preload).write_text("")
    shutil.copy(TINY_APP, folder / "server.js")
    if "snap.blob" in user:  # a snapshot whose main function is all it runs
        (folder / "snap.js").write_text("require('v8').startupSnapshot.setDeserializeMainFunction(() => {})")
        subprocess.run([NODE, "--snapshot-blob", "snap.blob", "--build-snapshot", "snap.js"], cwd=folder, check=True)
    port = node_app.free_port()
    env = {
        **tuned_environment({"NODE_OPTIONS": user}, container_memory_mib=2048, tuning=Tuning()),
        "PATH": str(Path(NODE).parent),
        "PORT": str(port),
        "HEALTH_CHECK_PATH": "/health",
    }
    semi_space = semi_space_mib(() if refused(user) else parse(user))
    limit = (heap_ceiling_mib(2048, 70) + SEMI_SPACES * semi_space) * MIB
    script = f"process.exit(require('v8').getHeapStatistics().heap_size_limit === {limit} ? 0 : 3)"
    stderr = folder / "stderr"
    # The heap's node needs nothing of the app's: it runs beside it, and counts only once the check passed.
    heap = subprocess.Popen([NODE, "-e", script], env=env, cwd=folder, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    with stderr.open("wb") as sink:
        app = subprocess.Popen([NODE, "server.js"], env=env, cwd=folder, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=sink)  # fmt: skip
    try:
        serves = node_app.serves(app, f"http://127.0.0.1:{port}/health", stderr, NODE)
        checked = serves and _exits_0(health_check_command(5)[1:], env, folder)
        return checked and node_app.exits_0(heap, within=10)
    finally:
        for process in (app, heap):
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[bool]]]:
    """Every SAMPLE case run as the task would run it, a few side by side (each on a folder and a port of its
    own): their Nodes mostly wait on one another's start, not on a core."""
    cases = {user: partial(runs_as_the_task_would, user, tmp_path_factory.mktemp("case")) for user in SAMPLE}
    with node_app.side_by_side(SIDE_BY_SIDE, cases) as started:
        yield started


@real_node
@pytest.mark.parametrize("user", SAMPLE)
def test_the_check_refuses_what_keeps_the_real_node_from_serving_or_from_the_heap_ceiling(
    user: str, ran: dict[str, Future[bool]]
) -> None:
    """The app must serve, the health check pass and the heap limit be the tuning's
    (``runs_as_the_task_would``): the check refuses exactly when one of them fails."""
    assert refused(user) == (not ran[user].result())


@pytest.mark.parametrize(
    ("user", "flag"),
    [
        ("--stack-size=2000", "--stack-size"),
        ("--enable-source-maps --max-heap-size=512", "--max-heap-size"),
        ("--require", "--require"),
        ("--title a b", "'b'"),
        ("--watch", "--watch requires specifying a file"),
        ("--no-watch --watch-path=/app", "no --watch-path"),
        ("--inspect-brk", "waits for a debugger"),
        ("--inspect-wait=0.0.0.0:9229", "waits for a debugger"),
        ("--prof-process", "not allowed in NODE_OPTIONS"),
        ("--snapshot-blob=/app/snap.blob", "instead of server.js"),
        ("--input-type=module", "CommonJS"),
        ("--cpu-prof-dir=/tmp", "--cpu-prof-dir only with --cpu-prof"),
        ("--allow-fs-write=/tmp --permission --no-permission", "--allow-fs-write only with --permission"),
        ("--tls-max-v1.2 --tls-min-v1.3", "not both --tls-min-v1.3 and --tls-max-v1.2"),
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


def test_input_type_module_stops_only_the_health_check_so_a_service_without_one_may_set_it() -> None:
    """``--input-type`` applies to ``--eval`` and stdin alone (cli.md): the app's ``server.js`` runs, the
    check's CommonJS ``node -e`` script does not."""
    environment = {"NODE_OPTIONS": "--input-type=module"}
    ServiceSpec(environment=environment, health_check=None)
    with pytest.raises(ConfigError, match="--input-type=module"):
        ServiceSpec(environment=environment)
    with pytest.raises(ConfigError, match="--experimental-default-type=module"):
        ServiceSpec(environment={"NODE_OPTIONS": "--experimental-default-type=module"}, health_check=None)


@pytest.mark.parametrize(
    "user",
    ["--heapsnapshot-near-heap-limit=1", "--heapsnapshot_near_heap_limit=3", "--heapsnapshot-near-heap-limit 2"],
)
def test_heap_snapshots_near_the_heap_limit_are_refused_since_node_lifts_the_heap_ceiling_for_them(user: str) -> None:
    """cli.md: Node "will adjust the V8 heap" to take them; measured, 3.8 GB RSS under a 358 MiB ceiling."""
    with pytest.raises(ConfigError, match="lifts the V8 heap ceiling the memory check counts on") as error:
        ServiceSpec(environment={"NODE_OPTIONS": user})
    assert error.value.key == "ServiceSpec.environment"


def test_heap_snapshots_near_the_heap_limit_at_0_are_off_and_pass() -> None:
    ServiceSpec(environment={"NODE_OPTIONS": "--heapsnapshot-near-heap-limit=0"})
