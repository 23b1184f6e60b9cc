"""A TCP relay between the site and a dependency (PostgreSQL, Redis) on loopback, to play the
network faults a refused connection does not: a server that hangs, packets lost without the
connection closing, and a client that dies between its last words and the server's answer."""

import socket
import threading
from urllib.parse import urlsplit


class Relay:
    """Passes bytes both ways until told otherwise:

    - `hang()`: cuts the open connections and accepts new ones without ever answering, as a
      hung server would (`release()` ends it);
    - `freeze()`: keeps every connection open but holds what is sent on it, as a network that
      drops packets silently would;
    - `hold_answers_after(...)`: the first connection to say the given things in turn gets no
      answer after the last: the server has it (a commit is made) and the client is left
      waiting, the moment before a client killed then would have heard.
    """

    @classmethod
    def in_front_of(cls, url):
        """A relay to the server a URL names (PostgreSQL's, Redis's): its `url` leads there
        through the relay."""
        address = urlsplit(url)
        relay = cls(address.port)
        netloc = address.netloc.rsplit(":", 1)[0] + f":{relay.port}"
        relay.url = address._replace(netloc=netloc).geturl()
        return relay

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.hanging = False
        self.knocks = 0  # connections asked for while hanging
        self.flowing = threading.Event()
        self.flowing.set()
        self.sockets = []
        self.awaited = None  # what a client is to say before its answers are held
        self.answers_held = threading.Event()
        self.answer_gates = []
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
            answers = threading.Event()
            answers.set()
            self.answer_gates.append(answers)
            for a, b, asking in ((client, upstream, True), (upstream, client, False)):
                threading.Thread(
                    target=self.pump, args=(a, b, answers, asking), daemon=True
                ).start()

    def pump(self, source, sink, answers, asking):
        """`asking`: the source is the client. `answers`: set while the server's pass."""
        heard = 0
        try:
            while data := source.recv(65536):
                self.flowing.wait()
                if not asking:
                    answers.wait()
                awaited = self.awaited
                if asking and awaited and awaited[heard] in data:
                    heard += 1
                    if heard == len(awaited):  # held before it is passed on: no answer slips by
                        self.awaited = None
                        answers.clear()
                        self.answers_held.set()
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

    def hold_answers_after(self, *said):
        """`said`: bytes, each sent in one piece; `answers_held` is set once it happens."""
        self.awaited = list(said)

    def close(self):
        self.flowing.set()
        for answers in self.answer_gates:
            answers.set()
        self.listener.close()
        for s in self.sockets:
            s.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
