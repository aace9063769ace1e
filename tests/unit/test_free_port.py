"""The real-Node tests start apps side by side, each on ``node_app.free_port()``: the kernel may offer a port it
offered before once that probe closed, and two apps on one port are one app answering both tests' probes."""

import concurrent.futures
import socket
from typing import Any

import pytest

from tests.unit import node_app


def test_a_port_the_kernel_offers_again_is_not_handed_out_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    offers = iter([40001, 40001, 40002])

    class OffersAgain(socket.socket):
        def getsockname(self) -> Any:
            return ("127.0.0.1", next(offers))

    monkeypatch.setattr(node_app, "_GIVEN", set())
    monkeypatch.setattr(node_app.socket, "socket", OffersAgain)
    assert [node_app.free_port(), node_app.free_port()] == [40001, 40002]


def test_ports_taken_side_by_side_are_all_different() -> None:
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        ports = list(pool.map(lambda _: node_app.free_port(), range(200)))
    assert len(set(ports)) == 200
