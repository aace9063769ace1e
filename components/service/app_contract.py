"""What the task tells the app, derived from the task's and the load balancer's settings.

The app reads its port, health path, HTTP timeouts and shutdown timing from the environment, so the
values the ALB and ECS act on are the values the app acts on (``docs/app-contract.md``):

- ``PORT``: the container port the target group and the security group use.
- ``HEALTH_CHECK_PATH``: the path the target group and the container health check request.
- ``KEEP_ALIVE_TIMEOUT_MS`` above the longest idle timeout an ALB allows (4000 s), not the one it has:
  the ALB reuses an idle connection until *its* timeout, so a target that closes it first (Node's
  default is 5 s against the ALB's 60 s) races the ALB's next request on it and the client gets a 502
  (ELB guide, "Connection idle timeout": set the application's keep-alive above the load balancer's idle
  timeout). The ALB attribute changes in place while the old tasks still run, so a keep-alive derived
  from the current timeout would sit below a raised one for the whole rollout; the ALB closes its idle
  connections at its own timeout anyway, so the longer keep-alive holds nothing open longer.
- ``HEADERS_TIMEOUT_MS`` and ``REQUEST_TIMEOUT_MS``: Node's defaults (60 s and 300 s), which bound a
  request still arriving, not an idle connection (Node 22 checks them only while a request is in
  progress: docker/app/test/alb.test.js shows an idle connection outliving both), and Node refuses a
  headers timeout above the request timeout.
- ``DRAIN_DELAY_MS``: after SIGTERM the app answers ``/health`` 503 and keeps serving this long, until
  the ALB has stopped sending requests: the longer of the deregistration delay and the time the ALB's
  health check takes to mark the target unhealthy (interval x unhealthy threshold).
- ``SHUTDOWN_TIMEOUT_MS``: what is left of ``stopTimeout`` for requests still in flight, less a margin
  so the process exits 0 before ECS sends SIGKILL.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ConfigError, raise_any

#: The target group's health check (ELB ranges: interval 5-300, timeout 2-120, thresholds 2-10).
TARGET_HEALTH_INTERVAL_SECONDS = 15
TARGET_HEALTH_TIMEOUT_SECONDS = 5
TARGET_HEALTHY_THRESHOLD = 2
TARGET_UNHEALTHY_THRESHOLD = 3
#: ALB idle timeout range: botocore ``elbv2`` ``LoadBalancerAttribute.Key``, "``idle_timeout.timeout_seconds``
#: ... The valid range is 1-4000 seconds". ``Route`` and ``LoadBalancerSpec`` hold it, each for its own field.
MIN_IDLE_TIMEOUT, MAX_IDLE_TIMEOUT = 1, 4000
#: The ALB's own default idle timeout (ELB API reference, ``idle_timeout.timeout_seconds``: 60).
DEFAULT_IDLE_TIMEOUT = 60
#: How far the app's keep-alive outlasts the longest ALB idle timeout.
KEEP_ALIVE_MARGIN_MS = 5_000
#: Node's ``server.headersTimeout`` and ``server.requestTimeout`` defaults ("the minimum between
#: server.requestTimeout or 60000"; 300000: Node's http documentation).
NODE_HEADERS_TIMEOUT_MS = 60_000
NODE_REQUEST_TIMEOUT_MS = 300_000
#: Seconds kept free at the end of stopTimeout, and the least time in-flight requests get to finish.
EXIT_MARGIN_SECONDS = 5
MIN_FINISH_SECONDS = 5
#: Variables this module owns; a user value for one is an error, not a silent override.
OWNED_NAMES = frozenset(
    {
        "PORT",
        "HEALTH_CHECK_PATH",
        "KEEP_ALIVE_TIMEOUT_MS",
        "HEADERS_TIMEOUT_MS",
        "REQUEST_TIMEOUT_MS",
        "DRAIN_DELAY_MS",
        "SHUTDOWN_TIMEOUT_MS",
    }
)


def drain_delay_seconds(deregistration_delay_seconds: int) -> int:
    """Seconds the app keeps serving after SIGTERM before it stops accepting."""
    return max(deregistration_delay_seconds, TARGET_HEALTH_INTERVAL_SECONDS * TARGET_UNHEALTHY_THRESHOLD)


def finish_seconds(*, stop_timeout_seconds: int, deregistration_delay_seconds: int | None) -> int:
    """Seconds the app has after SIGTERM for the work in hand: what ``stopTimeout`` leaves after the drain
    (None: no load balancer, no drain) and the exit margin. ``ServiceSpec`` holds it to
    ``MIN_FINISH_SECONDS`` (``shutdown_budget_seconds``, ``worker_budget_seconds``)."""
    drain = 0 if deregistration_delay_seconds is None else drain_delay_seconds(deregistration_delay_seconds)
    return stop_timeout_seconds - drain - EXIT_MARGIN_SECONDS


def shutdown_budget_seconds(*, stop_timeout_seconds: int, deregistration_delay_seconds: int) -> int:
    """Seconds left after the drain for in-flight requests; raises when stopTimeout cannot hold both."""
    budget = finish_seconds(
        stop_timeout_seconds=stop_timeout_seconds, deregistration_delay_seconds=deregistration_delay_seconds
    )
    health_drain = drain_delay_seconds(0)
    floor = health_drain + EXIT_MARGIN_SECONDS + MIN_FINISH_SECONDS
    if stop_timeout_seconds < floor:
        # Too short for any deregistration delay: the stop timeout's own mistake, reported even when the
        # delay is in error too (it names no other field).
        raise ConfigError(
            "ServiceSpec.stop_timeout_seconds",
            stop_timeout_seconds,
            f"at least {floor} with a route: whatever the deregistration delay, the app drains at least "
            f"{health_drain} s after SIGTERM (the target group's {TARGET_HEALTH_INTERVAL_SECONDS} s x "
            f"{TARGET_UNHEALTHY_THRESHOLD} health check), then needs {MIN_FINISH_SECONDS} s to finish and "
            f"{EXIT_MARGIN_SECONDS} s to exit",
        )
    if budget < MIN_FINISH_SECONDS:
        drain = drain_delay_seconds(deregistration_delay_seconds)
        least = drain + EXIT_MARGIN_SECONDS + MIN_FINISH_SECONDS
        raise ConfigError(
            "ServiceSpec.stop_timeout_seconds",
            stop_timeout_seconds,
            f"at least {least}: the app drains {drain} s after SIGTERM (the longer of "
            f"RouteSpec.deregistration_delay_seconds and the target group's {TARGET_HEALTH_INTERVAL_SECONDS} s x "
            f"{TARGET_UNHEALTHY_THRESHOLD} health "
            f"check), then needs {MIN_FINISH_SECONDS} s to finish and {EXIT_MARGIN_SECONDS} s to exit",
        )
    return budget


def worker_budget_seconds(stop_timeout_seconds: int) -> int:
    """Seconds a worker (no load balancer, no drain) has to finish after SIGTERM: all of stopTimeout but
    the exit margin; raises when that leaves less than the least finish time."""
    budget = finish_seconds(stop_timeout_seconds=stop_timeout_seconds, deregistration_delay_seconds=None)
    if budget < MIN_FINISH_SECONDS:
        raise ConfigError(
            "ServiceSpec.stop_timeout_seconds",
            stop_timeout_seconds,
            f"at least {EXIT_MARGIN_SECONDS + MIN_FINISH_SECONDS} without a route: the app needs "
            f"{MIN_FINISH_SECONDS} s to finish its work and {EXIT_MARGIN_SECONDS} s to exit before SIGKILL",
        )
    return budget


def http_timeouts_ms(idle_timeout_seconds: int) -> dict[str, int]:
    """Keep-alive above any idle timeout the ALB allows, so above ``idle_timeout_seconds`` before and after it
    changes; headers and request timeouts Node's defaults. The route's idle timeout is not judged here (its
    ``LoadBalancerSpec`` held it to the ALB's range): it is what the keep-alive must outlast, and does."""
    assert MIN_IDLE_TIMEOUT <= idle_timeout_seconds <= MAX_IDLE_TIMEOUT, "LoadBalancerSpec checks the range"
    keep_alive = MAX_IDLE_TIMEOUT * 1000 + KEEP_ALIVE_MARGIN_MS
    return {"keep_alive": keep_alive, "headers": NODE_HEADERS_TIMEOUT_MS, "request": NODE_REQUEST_TIMEOUT_MS}


def app_environment(
    *,
    port: int,
    health_check_path: str | None,
    idle_timeout_seconds: int | None,
    stop_timeout_seconds: int,
    deregistration_delay_seconds: int,
) -> dict[str, str]:
    """The variables the app reads, from the settings ECS and the ALB act on; ``idle_timeout_seconds`` is
    the load balancer's, None for a task no load balancer sends requests to (a worker): it gets no HTTP
    timeouts and no drain, all of ``stopTimeout`` but the exit margin is its to finish in; with no health
    check (``health_check_path`` None) it serves no HTTP and gets no port either. A routed task needs one.
    The values are computed, not judged: ``ServiceSpec`` holds the stop timeout to the drain once."""
    if idle_timeout_seconds is None:
        served = {"PORT": str(port), "HEALTH_CHECK_PATH": health_check_path} if health_check_path is not None else {}
        budget = finish_seconds(stop_timeout_seconds=stop_timeout_seconds, deregistration_delay_seconds=None)
        return {**served, "SHUTDOWN_TIMEOUT_MS": str(budget * 1000)}
    assert health_check_path is not None, "ServiceSpec refuses a route without a health check (check_routed_health)"
    timeouts = http_timeouts_ms(idle_timeout_seconds)
    budget = finish_seconds(
        stop_timeout_seconds=stop_timeout_seconds, deregistration_delay_seconds=deregistration_delay_seconds
    )
    return {
        "PORT": str(port),
        "HEALTH_CHECK_PATH": health_check_path,
        "KEEP_ALIVE_TIMEOUT_MS": str(timeouts["keep_alive"]),
        "HEADERS_TIMEOUT_MS": str(timeouts["headers"]),
        "REQUEST_TIMEOUT_MS": str(timeouts["request"]),
        "DRAIN_DELAY_MS": str(drain_delay_seconds(deregistration_delay_seconds) * 1000),
        "SHUTDOWN_TIMEOUT_MS": str(budget * 1000),
    }


def reject_owned(user_env: Mapping[str, str]) -> None:
    """Raise when the user's ``environment`` sets a variable the task derives, naming each one."""
    raise_any(
        [
            ConfigError(
                "ServiceSpec.environment",
                f"{name}={user_env[name]}",
                f"no {name} (the task sets it from its own settings)",
            )
            for name in sorted(OWNED_NAMES & user_env.keys())
        ]
    )
