"""webapp.sockets: the server's listening sockets send each response at once (TCP_NODELAY), as server.py starts."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import pytest

from webapp import sockets
from webapp.preload import Preload

REPO = Path(__file__).resolve().parents[2]


def _listener() -> socket.socket:
    """A listening socket made as Streamlit 1.67 makes the server's (starlette_server._bind_socket): protocol 0."""
    sock = socket.socket(family=socket.AF_INET)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    return sock


def _accepted_no_delay(listener: socket.socket, before_serving=lambda: None) -> int:
    """TCP_NODELAY on the server's side of a connection accepted by asyncio on ``listener``, as uvicorn serves it
    (``before_serving`` runs first, where the server's start-up runs)."""
    seen: list[int] = []

    async def main() -> None:
        def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen.append(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        before_serving()
        server = await asyncio.start_server(on_connection, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            for _ in range(200):
                if seen:
                    break
                await asyncio.sleep(0.01)
            writer.close()

    asyncio.run(main())
    return seen[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux passes a listener's options to connections")
def test_a_connection_on_a_listener_made_as_streamlit_makes_it_gets_no_delay_only_once_it_is_set():
    assert _accepted_no_delay(_listener()) == 0  # what the server does without it: Nagle's algorithm on
    listener = _listener()
    address = f"127.0.0.1:{listener.getsockname()[1]}"
    done: list[list[str]] = []
    assert _accepted_no_delay(listener, lambda: done.append(sockets.no_delay_on_listening_sockets())) == 1
    assert address in done[0]


def test_sockets_that_are_not_listening_tcp_sockets_are_left_as_they_are():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, _listener() as listener, \
            socket.create_connection(listener.getsockname()[:2]) as client:
        sockets.no_delay_on_listening_sockets()
        assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        assert udp.type == socket.SOCK_DGRAM  # read, never changed (it has no TCP options to set)


def test_without_a_list_of_open_files_nothing_is_changed(monkeypatch, tmp_path):
    monkeypatch.setattr(sockets, "FD_DIR", str(tmp_path / "missing"))
    with _listener() as listener:
        assert sockets.no_delay_on_listening_sockets() == []
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0


def test_the_servers_start_sets_no_delay_and_starts_the_preload(monkeypatch):
    monkeypatch.syspath_prepend(str(REPO))
    import server

    loaded: list[bool] = []
    preload = Preload(load=lambda: loaded.append(True))
    monkeypatch.setattr(server, "PRELOAD", preload)

    async def start() -> None:
        async with server.at_start():
            await preload.wait()

    with _listener() as listener:
        asyncio.run(start())
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    assert loaded == [True]


def test_no_descriptor_is_left_open():
    with _listener(), socket.socket(socket.AF_INET, socket.SOCK_DGRAM), socket.socket(socket.AF_UNIX):
        before = sorted(os.listdir(sockets.FD_DIR))
        for _ in range(20):
            sockets.no_delay_on_listening_sockets()
        assert sorted(os.listdir(sockets.FD_DIR)) == before
