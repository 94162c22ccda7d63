"""One window per database: the second launch raises the first window and exits.

Two mechanisms, each doing what it is good at:

* the file lock (``prioritizer.safety.lock.InstanceLock``) decides who is first. It is
  an ``flock``, so it is atomic when two windows start at the same instant and
  the kernel drops it when a window is killed: it can never be left behind;
* a ``QLocalServer`` named from a hash of the database path carries the message:
  the second launch connects and sends ``raise``; the first raises and
  activates its window. A socket file left by a killed window is removed by the
  next owner of the lock (it holds the lock, so the socket cannot be live).

Usage in ``app.py`` (before the database is opened)::

    guard = SingleInstance(location)
    if not guard.claim(listen=False):
        print(guard.message, file=sys.stderr)
        return 0
    guard.raise_requested.connect(lambda: bring_to_front(window))
    ...  # after the first paint:
    guard.listen()

The window starts listening only after its first paint (ARCHITECTURE.md, "What keeps
the start fast"): QtNetwork is imported then, not on the way to the first paint. A
second launch in that first second finds the lock taken and says "switch to that
window" instead of raising it; one window per database holds either way.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from prioritizer.safety.lock import InstanceLock
from prioritizer.storage.location import sqlite_path

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

RAISE = b"raise\n"


def server_name(location: str) -> str:
    """The local-socket name for a database: per user and per (absolute) path."""
    path = sqlite_path(location)
    key = str(Path(path).absolute()) if path is not None else location
    import hashlib  # here: its OpenSSL load (~5 ms) is not on the road to the first paint

    digest = hashlib.sha256(f"{getpass.getuser()}\0{key}".encode()).hexdigest()[:20]
    return f"prioritizer-{digest}"


def bring_to_front(window: QWidget) -> None:
    """Show, un-minimize, raise and activate a window."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


class SingleInstance(QObject):
    """The instance guard of one database.

    Signals:
        raise_requested: a second launch asked this window to come to the front.

    Attributes:
        lock: the file lock (held after a successful ``claim``).
        message: for the second launch, the line to print on stderr.
    """

    raise_requested = Signal()

    def __init__(self, location: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.location = location
        self.lock = InstanceLock(location)
        self.message = ""
        self._server: QLocalServer | None = None
        self._clients: list[QLocalSocket] = []

    @property
    def name(self) -> str:
        """The local-socket name of this database (needed after the first paint, or by a second launch)."""
        return server_name(self.location)

    def claim(self, timeout_ms: int = 2000, *, listen: bool = True) -> bool:
        """True when this process is the first; otherwise ask the first to raise its window.

        ``listen=False``: take the lock only; call :meth:`listen` later (after the first paint).
        """
        if self.lock.try_acquire():
            if listen:
                self.listen()
            return True
        holder = self.lock.holder()
        who = f" ({holder.describe()})" if holder else ""
        sent = self._send_raise(timeout_ms)
        if sent:
            self.message = f"prioritizer: already open on this database{who}: brought that window to the front"
        else:
            self.message = f"prioritizer: already open on this database{who}; switch to that window"
        return False

    def listen(self) -> None:
        """Accept "raise" requests of later launches (needs the lock; does nothing twice)."""
        if self._server is not None or not self.lock.held:
            return
        from PySide6.QtNetwork import QLocalServer

        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)  # owner-only socket
        # We hold the lock, so any socket file with this name is a leftover of a killed window.
        QLocalServer.removeServer(self.name)
        if not server.listen(self.name):
            return  # raising is a convenience; the lock still guarantees one window
        server.newConnection.connect(self._on_connection)
        self._server = server

    def _on_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            # Bound methods, not lambdas holding the socket: no Python reference outlives it.
            socket.readyRead.connect(self._read_clients)
            self._clients.append(socket)
        self._read_clients()

    def _read_clients(self) -> None:
        for socket in list(self._clients):
            if socket.bytesAvailable():
                if b"raise" in bytes(socket.readAll().data()):
                    self.raise_requested.emit()
                self._clients.remove(socket)
                socket.abort()
                socket.deleteLater()

    def _send_raise(self, timeout_ms: int) -> bool:
        from PySide6.QtNetwork import QLocalSocket

        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(RAISE)
        ok = socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(timeout_ms)
        return ok

    def release(self) -> None:
        """Stop listening and drop the lock (at exit; the OS does it anyway)."""
        for socket in self._clients:
            socket.abort()
        self._clients.clear()
        if self._server is not None:
            self._server.close()
            self._server = None
        self.lock.release()
