"""A real SMTP server (aiosmtpd) on loopback: what the worker sends arrives here, and the
tests read it as a mail client would."""

import email
import threading
import time
from contextlib import contextmanager
from email import policy

from aiosmtpd.controller import Controller

from .servers import free_port


class Inbox:
    """Every message received. `refuse`: address -> SMTP answer for it; `busy`: how many
    messages to answer "try again later" first; `on_message(n)`: called with the count."""

    def __init__(self, refuse=None, busy=0, on_message=None):
        self.messages = []
        self.refuse = refuse or {}
        self.busy = busy
        self.on_message = on_message
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._lock:
            if self.busy > 0:
                self.busy -= 1
                return "451 4.3.0 Busy: try again later"
            message = email.message_from_bytes(envelope.content, policy=policy.default)
            message.received_at = time.time()
            self.messages.append(message)
            count = len(self.messages)
        if self.on_message is not None:
            self.on_message(count)
        return "250 OK"

    def wait_for(self, count, timeout=60):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


@contextmanager
def smtp_server(inbox):
    """aiosmtpd on a loopback port for the block: yields its EMAIL_URL."""
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()
