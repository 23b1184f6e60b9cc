"""A TCP relay between the site and a dependency (PostgreSQL, Redis) on loopback, to play the
network faults a refused connection does not: a server that hangs, and packets lost without
the connection closing."""

import socket
import threading


class Relay:
    """Passes bytes both ways until told otherwise:

    - `hang()`: cuts the open connections and accepts new ones without ever answering, as a
      hung server would (`release()` ends it);
    - `freeze()`: keeps every connection open but holds what is sent on it, as a network that
      drops packets silently would.
    """

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.hanging = False
        self.knocks = 0  # connections asked for while hanging
        self.flowing = threading.Event()
        self.flowing.set()
        self.sockets = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if self.hanging:
                self.knocks += 1
                continue  # held open, never answered
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self.sockets.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(a, b), daemon=True).start()

    def pump(self, source, sink):
        try:
            while data := source.recv(65536):
                self.flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def hang(self):
        self.hanging = True
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.sockets = []

    def release(self):
        self.hanging = False
        held, self.sockets = self.sockets, []
        for s in held:
            s.close()

    def freeze(self):
        self.flowing.clear()

    def close(self):
        self.flowing.set()
        self.listener.close()
        for s in self.sockets:
            s.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
