"""The ``ip`` layer: UDP and TCP sockets driven by the asyncio event loop's reader callbacks.

Each class owns one socket (two for a server) and reports through plain callbacks that run on the
loop's thread; the communication blocks turn them into external events of their resource. Opening
is synchronous (bind, listen, the start of a connect), so an INIT can answer at once as FORTE's
does; only a TCP connect completes later (``on_connected``). Like FORTE's ``ipcomlayer.cpp``:

* a publisher sends datagrams to host:port (multicast when the host is a multicast group,
  through the interface given after ``@``); a subscriber binds host:port, or the port on every
  interface joined to the group when the host is a multicast group;
* a server listens on host:port and serves one client at a time: a further connection is
  accepted and closed at once, and when the client leaves the server listens again;
* a client connects to host:port; the peer closing the connection is reported (``on_closed``).

TCP writes that the kernel cannot take at once are buffered and flushed when the socket is
writable, so a send never blocks the resource.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
from collections.abc import Callable

from fbruntime.comm.ids import IpAddress

__all__ = ["TcpClient", "TcpServer", "UdpReceiver", "UdpSender"]

RECV_SIZE = 65536

DataCallback = Callable[[bytes], None]


def _loop() -> asyncio.AbstractEventLoop:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise OSError("no running event loop to serve the socket") from None


def _resolve(address: IpAddress, kind: socket.SocketKind) -> tuple[str, int]:
    infos = socket.getaddrinfo(address.host, address.port, socket.AF_INET, kind)
    if not infos:
        raise OSError(f"cannot resolve {address.host!r}")
    host, port = infos[0][4][:2]
    return str(host), int(port)


def _close_socket(loop: asyncio.AbstractEventLoop, sock: socket.socket | None) -> None:
    if sock is None or sock.fileno() < 0:
        return
    loop.remove_reader(sock)
    loop.remove_writer(sock)
    sock.close()


class UdpSender:
    """PUBLISH over ip: one datagram per send."""

    def __init__(self, address: IpAddress) -> None:
        self.destination = _resolve(address, socket.SOCK_DGRAM)
        self._sock: socket.socket | None = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            if address.is_multicast and address.interface:
                self._sock.setsockopt(
                    socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(address.interface)
                )
            self._sock.setblocking(False)
        except OSError:
            self.close()
            raise

    def send(self, data: bytes) -> None:
        if self._sock is None:
            raise OSError(errno.EBADF, "the socket is closed")
        self._sock.sendto(data, self.destination)

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()


class UdpReceiver:
    """SUBSCRIBE over ip: every datagram that arrives is handed to ``on_datagram``."""

    def __init__(self, address: IpAddress, on_datagram: DataCallback) -> None:
        self._loop = _loop()
        self._on_datagram = on_datagram
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            if address.is_multicast:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind(("", address.port))
                group = socket.inet_aton(_resolve(address, socket.SOCK_DGRAM)[0])
                iface = socket.inet_aton(address.interface or "0.0.0.0")
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, group + iface)
            else:
                sock.bind(_resolve(address, socket.SOCK_DGRAM))
            sock.setblocking(False)
            self._loop.add_reader(sock, self._readable)
        except OSError:
            sock.close()
            raise
        self._sock: socket.socket | None = sock
        self.local_address: tuple[str, int] = sock.getsockname()[:2]

    def _readable(self) -> None:
        sock = self._sock
        while sock is not None:
            try:
                data = sock.recv(RECV_SIZE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return  # ICMP errors and the like: nothing to deliver
            self._on_datagram(data)
            sock = self._sock

    def close(self) -> None:
        sock, self._sock = self._sock, None
        _close_socket(self._loop, sock)


class _Stream:
    """One connected TCP socket: reads to a callback, writes through a buffer."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: socket.socket,
        on_data: DataCallback,
        on_closed: Callable[[], None],
    ) -> None:
        self._loop = loop
        self._sock: socket.socket | None = sock
        self._on_data = on_data
        self._on_closed = on_closed
        self._out = bytearray()
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        loop.add_reader(sock, self._readable)

    @property
    def is_open(self) -> bool:
        return self._sock is not None

    def send(self, data: bytes) -> None:
        sock = self._sock
        if sock is None:
            raise OSError(errno.ENOTCONN, os.strerror(errno.ENOTCONN))
        if self._out:
            self._out += data
            return
        try:
            sent = sock.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        if sent < len(data):
            self._out += data[sent:]
            self._loop.add_writer(sock, self._writable)

    def _writable(self) -> None:
        sock = self._sock
        if sock is None:
            return
        try:
            sent = sock.send(self._out)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._lost()
            return
        del self._out[:sent]
        if not self._out:
            self._loop.remove_writer(sock)

    def _readable(self) -> None:
        sock = self._sock
        if sock is None:
            return
        try:
            data = sock.recv(RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._lost()
            return
        self._on_data(data)

    def _lost(self) -> None:
        self.close()
        self._on_closed()

    def close(self) -> None:
        sock, self._sock = self._sock, None
        self._out.clear()
        _close_socket(self._loop, sock)


class TcpServer:
    """SERVER over ip: listens, serves one client at a time, listens again when it leaves."""

    def __init__(self, address: IpAddress, on_data: DataCallback) -> None:
        self._loop = _loop()
        self._on_data = on_data
        self._client: _Stream | None = None
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(_resolve(address, socket.SOCK_STREAM))
            sock.listen(1)
            sock.setblocking(False)
            self._loop.add_reader(sock, self._accept)
        except OSError:
            sock.close()
            raise
        self._listener: socket.socket | None = sock
        self.local_address: tuple[str, int] = sock.getsockname()[:2]

    @property
    def connected(self) -> bool:
        return self._client is not None and self._client.is_open

    def _accept(self) -> None:
        listener = self._listener
        if listener is None:
            return
        try:
            conn, _ = listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        if self.connected:
            conn.close()  # FORTE's single-connection server turns further clients away
            return
        self._client = _Stream(self._loop, conn, self._on_data, self._client_left)

    def _client_left(self) -> None:
        self._client = None

    def send(self, data: bytes) -> bool:
        """Send to the connected client; False when there is none (FORTE sends nothing then)."""
        client = self._client
        if client is None or not client.is_open:
            return False
        try:
            client.send(data)
        except OSError:
            client.close()
            self._client = None
            return False
        return True

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
        listener, self._listener = self._listener, None
        _close_socket(self._loop, listener)


class TcpClient:
    """CLIENT over ip: connects without blocking; ``on_connected(error)`` reports the outcome."""

    def __init__(
        self,
        address: IpAddress,
        on_data: DataCallback,
        on_connected: Callable[[OSError | None], None],
        on_closed: Callable[[], None],
    ) -> None:
        self._loop = _loop()
        self._on_data = on_data
        self._on_connected = on_connected
        self._on_closed = on_closed
        self._stream: _Stream | None = None
        self._pending = bytearray()  # sent while connecting: FORTE's INIT blocks until connected
        destination = _resolve(address, socket.SOCK_STREAM)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        code = sock.connect_ex(destination)
        if code not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
            sock.close()
            raise OSError(code, os.strerror(code))
        self._connecting: socket.socket | None = sock
        self._loop.add_writer(sock, self._connect_done)

    @property
    def connected(self) -> bool:
        return self._stream is not None and self._stream.is_open

    def _connect_done(self) -> None:
        sock, self._connecting = self._connecting, None
        if sock is None:
            return
        self._loop.remove_writer(sock)
        code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            sock.close()
            self._pending.clear()
            self._on_connected(OSError(code, os.strerror(code)))
            return
        self._stream = _Stream(self._loop, sock, self._on_data, self._lost)
        self._on_connected(None)
        if self._pending and self._stream is not None:
            pending = bytes(self._pending)
            self._pending.clear()
            try:
                self._stream.send(pending)
            except OSError:
                self._stream.close()
                self._lost()

    def _lost(self) -> None:
        self._stream = None
        self._on_closed()

    def send(self, data: bytes) -> None:
        if self._connecting is not None:
            self._pending += data
            return
        stream = self._stream
        if stream is None:
            raise OSError(errno.ENOTCONN, os.strerror(errno.ENOTCONN))
        stream.send(data)

    def close(self) -> None:
        self._pending.clear()
        connecting, self._connecting = self._connecting, None
        _close_socket(self._loop, connecting)
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()
