# SPDX-License-Identifier: BSD-2-Clause
"""A small ivshmem server for ivshmem-doorbell devices (Debian ships none).

It follows the client-server protocol of QEMU's docs/specs/ivshmem-spec:
the server listens on a UNIX socket; every message is one little-endian
signed 64-bit number, some with a file descriptor (SCM_RIGHTS).  To a new
client it sends the protocol version (0), the client's ID, -1 with the
shared memory's descriptor, then for each other client that client's ID
once per vector with the eventfd that interrupts it on that vector, then
its own ID once per vector with its own eventfds (to receive on).  The
other clients get the new client's ID with its eventfds; when a client
goes, the others get its ID without a descriptor.

Python 3.9+ standard library (socket.send_fds, os.eventfd).
"""
import os
import select
import socket
import struct
import threading

PROTOCOL_VERSION = 0


class IvshmemServer:
    """Serves shared memory of SIZE bytes on the UNIX socket PATH, on a
    thread, until close()."""

    def __init__(self, path, size, vectors=1):
        self.path = path
        self.vectors = vectors
        self.shm_fd = os.memfd_create("ivshmem")
        os.ftruncate(self.shm_fd, size)
        self.clients = {}	# id -> (socket, [eventfd per vector])
        self.next_id = 0
        if os.path.exists(path):
            os.unlink(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(4)
        self.stop_r, self.stop_w = os.pipe()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @staticmethod
    def _send(conn, value, fd=None):
        data = struct.pack("<q", value)
        if fd is None:
            conn.sendall(data)
        else:
            socket.send_fds(conn, [data], [fd])

    def _add(self, conn):
        cid = self.next_id
        self.next_id += 1
        fds = [os.eventfd(0, os.EFD_NONBLOCK) for _ in range(self.vectors)]
        self._send(conn, PROTOCOL_VERSION)
        self._send(conn, cid)
        self._send(conn, -1, self.shm_fd)
        for other, (oconn, ofds) in self.clients.items():
            for fd in ofds:
                self._send(conn, other, fd)	# to interrupt the other
            for fd in fds:
                self._send(oconn, cid, fd)	# the other may interrupt us
        for fd in fds:
            self._send(conn, cid, fd)	# ours, to receive on
        self.clients[cid] = (conn, fds)

    def _remove(self, cid):
        conn, fds = self.clients.pop(cid)
        conn.close()
        for fd in fds:
            os.close(fd)
        for oconn, _ in self.clients.values():
            try:
                self._send(oconn, cid)
            except OSError:
                pass

    def _serve(self):
        while True:
            conns = {c.fileno(): cid for cid, (c, _) in self.clients.items()}
            ready, _, _ = select.select([self.sock, self.stop_r] + list(conns), [], [])
            if self.stop_r in ready:
                return
            for fd in ready:
                if fd is self.sock:
                    conn, _ = self.sock.accept()
                    self._add(conn)
                elif fd in conns:	# clients never send: this is a close
                    self._remove(conns[fd])

    def close(self):
        os.write(self.stop_w, b"x")
        self.thread.join(5)
        for cid in list(self.clients):
            self._remove(cid)
        self.sock.close()
        for fd in (self.stop_r, self.stop_w, self.shm_fd):
            os.close(fd)
        if os.path.exists(self.path):
            os.unlink(self.path)
