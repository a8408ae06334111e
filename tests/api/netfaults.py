"""Network faults for outage tests: a listener that never answers, and a TCP proxy in
front of a real server that can be cut (as a server that stops answering) and mended.

Real sockets on 127.0.0.1, no mocks: the driver meets what it would meet when the
database host goes away behind a firewall, or stops answering.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Iterator


class Blackhole:
    """Accepts TCP connections and never sends a byte (a hung server, or a firewall
    that lets the handshake through and drops the rest)."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=512)
        self.port = int(self._sock.getsockname()[1])
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._sock], [], [], 0.1)
            if ready:
                conn, _ = self._sock.accept()
                self._held.append(conn)
                self.accepted += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for s in [*self._held, self._sock]:
            with contextlib.suppress(OSError):
                s.close()


class Proxy:
    """Forwards 127.0.0.1:``port`` to ``target``. :meth:`cut` drops every connection and
    from then on accepts new ones without forwarding or answering them (a database host
    that stopped answering); :meth:`mend` forwards again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=512)
        self.port = int(self._sock.getsockname()[1])
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._held: list[socket.socket] = []
        self._cut = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._sock], [], [], 0.1)
            if not ready:
                continue
            conn, _ = self._sock.accept()
            with self._lock:
                if self._cut:
                    self._held.append(conn)
                    continue
            try:
                up = socket.create_connection(self.target, timeout=5)
            except OSError:
                conn.close()
                continue
            with self._lock:
                self._pairs.append((conn, up))
            threading.Thread(target=self._pump, args=(conn, up), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 0.2)
                if self._stop.is_set():
                    return
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except OSError:
            return
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def mend(self) -> None:
        with self._lock:
            self._cut = False
            held, self._held = self._held, []
        for s in held:
            with contextlib.suppress(OSError):
                s.close()

    def close(self) -> None:
        self.cut()
        self._stop.set()
        self._thread.join()
        self.mend()
        with contextlib.suppress(OSError):
            self._sock.close()


@contextlib.contextmanager
def blackhole() -> Iterator[Blackhole]:
    b = Blackhole()
    try:
        yield b
    finally:
        b.close()
