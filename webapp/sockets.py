"""The server's listening sockets set to send each response at once (TCP_NODELAY): ``server.py`` does it as the
server starts (issue 16: a first page's scripts arrive 40 ms late each without it).

Why: Streamlit 1.67 binds the server's socket itself, as ``socket.socket(family)``, whose protocol number is 0,
and asyncio turns Nagle's algorithm off only on connections whose socket says TCP (``asyncio.base_events.
_set_nodelay``). Nagle's algorithm then holds each response's body until the browser acknowledges its headers,
which a browser does after its delayed-acknowledgement timer (40 ms on Linux) on a connection it keeps open.
Measured on loopback: 44 ms for each request on a kept-alive connection, a script or a 2-byte health check, against
1.8 ms with the option; a first page asks for about 110 of Streamlit's scripts over six connections. Websocket
messages sent one after another were held the same way.

Linux gives a connection the options of the listening socket that accepted it, so the option is set on the
listening sockets once, before the server accepts anything. Another system (no ``/dev/fd``) is left as it is.
"""

from __future__ import annotations

import logging
import os
import socket
import stat

_LOG = logging.getLogger("pimap.sockets")
FD_DIR = "/dev/fd"  # this process's open files (Linux: /proc/self/fd)


def _listening_tcp_socket(fd: int) -> socket.socket | None:
    """A duplicate of the socket ``fd`` if it is a listening TCP socket (the caller closes it), else None."""
    try:
        if not stat.S_ISSOCK(os.fstat(fd).st_mode):
            return None
        duplicate = os.dup(fd)
    except OSError:  # closed meanwhile (the listing's own descriptor is)
        return None
    try:
        sock = socket.socket(fileno=duplicate)
    except OSError:  # a socket Python cannot read
        os.close(duplicate)
        return None
    try:
        if (sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM
                and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)):
            return sock
    except OSError:
        pass
    sock.close()
    return None


def no_delay_on_listening_sockets() -> list[str]:
    """Set TCP_NODELAY on every listening TCP socket of this process; return their addresses (as host:port)."""
    try:
        fds = sorted(int(name) for name in os.listdir(FD_DIR) if name.isdigit())
    except OSError:
        _LOG.info("no %s here: the server's sockets are left as they are", FD_DIR)
        return []
    done = []
    for fd in fds:
        sock = _listening_tcp_socket(fd)
        if sock is None:
            continue
        with sock:  # the duplicate shares the listening socket: the option is set on it
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            host, port = sock.getsockname()[:2]
            done.append(f"{host}:{port}")
    _LOG.info("TCP_NODELAY set on the listening sockets %s", ", ".join(done) or "(none found)")
    return done
