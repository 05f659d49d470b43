"""A TCP proxy on 127.0.0.1 that counts (and optionally throttles) the bytes sent to a server.

Put it in front of moto to see how many bytes really reached storage, or to play a slow uplink: the
rate limit is shared by all connections, like one home uplink, and applies to the client -> server
direction only (answers come back at full speed).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

BLOCK = 64 * 1024


class _Limiter:
    """Hands out the link's time: a chunk of n bytes occupies n / rate seconds of it."""

    def __init__(self, bytes_per_second: float | None) -> None:
        self.rate = bytes_per_second
        self._next_free = 0.0
        self._lock = threading.Lock()

    def take(self, n: int) -> None:
        if not self.rate:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_free)
            self._next_free = start + n / self.rate
            until = self._next_free
        delay = until - time.monotonic()
        if delay > 0:
            time.sleep(delay)


class TcpProxy:
    """Listens on a free 127.0.0.1 port and forwards every connection to `target`."""

    def __init__(self, target: tuple[str, int], bytes_per_second: float | None = None) -> None:
        self.target = target
        self.limiter = _Limiter(bytes_per_second)
        self.sent = 0
        """Bytes forwarded to the server so far."""
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._open: set[socket.socket] = set()
        self._closed = False
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_rate(self, bytes_per_second: float | None) -> None:
        self.limiter.rate = bytes_per_second

    def reset(self) -> int:
        """Return the count so far and start again from zero."""
        with self._lock:
            sent, self.sent = self.sent, 0
        return sent

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        for sock in list(self._open):
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            self._open.update((client, server))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, upstream: bool) -> None:
        try:
            while data := src.recv(BLOCK):
                if upstream:
                    self.limiter.take(len(data))
                    with self._lock:
                        self.sent += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()
                self._open.discard(sock)


@contextmanager
def tcp_proxy(target_url: str, bytes_per_second: float | None = None) -> Iterator[TcpProxy]:
    """A proxy in front of http://host:port for the length of the block."""
    host, port = target_url.split("://", 1)[-1].rstrip("/").rsplit(":", 1)
    proxy = TcpProxy((host, int(port)), bytes_per_second)
    try:
        yield proxy
    finally:
        proxy.close()
