"""A TCP forwarder a test puts between the service and PostgreSQL, to cut and restore.

Cutting closes every forwarded connection, then either refuses new ones (nothing listens: the
client's connect fails at once) or blackholes them (they are accepted and never answered, as
when packets are dropped on the way: a client without timeouts waits forever).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from enum import Enum
from urllib.parse import urlsplit, urlunsplit


def worker_ports(first: int, count: int = 10) -> range:
    """``count`` ports from ``first``, moved along by ``count`` for each pytest-xdist worker
    (``gw0``, ``gw1`` …): tests in two workers never probe the same port and race for it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    start = first + count * (int(worker) if worker.isdigit() else 0)
    return range(start, start + count)


#: The ports the outage tests' proxies listen on (this worker's share).
PROXY_PORTS = worker_ports(15440)


class Cut(Enum):
    REFUSE = "refuse"
    BLACKHOLE = "blackhole"


def free_port(ports: range) -> int:
    """The first port of ``ports`` that nothing on 127.0.0.1 listens on."""
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``target`` until cut; ``restore()`` forwards again."""

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        self.port = port
        self.target = target
        self.cut_mode: Cut | None = None
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._listen()

    @classmethod
    def in_front_of(cls, store_url: str) -> TcpProxy:
        """A proxy to the database of a ``postgresql://`` store URL, on a free port."""
        parts = urlsplit(store_url)
        return cls(free_port(PROXY_PORTS), (parts.hostname or "127.0.0.1", parts.port or 5432))

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, store_url: str) -> str:
        """``store_url`` by way of this proxy."""
        parts = urlsplit(store_url)
        user = f"{parts.username}@" if parts.username else ""
        password = f"{parts.username}:{parts.password}@" if parts.password else user
        return urlunsplit(parts._replace(netloc=f"{password}{self.address}"))

    def cut(self, how: Cut) -> None:
        with self._lock:
            self.cut_mode = how
            if how is Cut.REFUSE:
                self._stop_listening()
            self._close_all()

    def restore(self) -> None:
        with self._lock:
            self.cut_mode = None
            self._close_all()  # the blackholed ones
            if self._listener is None:
                self._listen()

    def close(self) -> None:
        with self._lock:
            self._stop_listening()
            self._close_all()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _stop_listening(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
            self._listener.close()
            self._listener = None

    def _close_all(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped listening
            with self._lock:
                self._sockets.add(client)
                if self.cut_mode is not None:
                    continue  # blackholed: held open, never read, never answered
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                with self._lock:
                    self._sockets.discard(client)
                client.close()
                continue
            with self._lock:
                self._sockets.add(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
