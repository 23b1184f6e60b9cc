"""Django's SMTP backend, with one addition: a message's last line (the lone "." that
completes it for the mail server) is sent inside the message's `handing_over()` block.

The worker records the alert as handed over in that block, and the record is committed as
the block ends, after the last line has gone. A worker killed before the commit leaves the
alert to be sent again: the server threw the message away (it never saw the end) or, in the
few microseconds between the last line and the commit, has it already, and it goes twice
with the same Message-ID. It is never recorded as sent before the server can have it whole.
If the block yields False (another worker took the alert back), the connection is dropped
instead, and the server throws the message away.
"""

import re
import smtplib
import socket

from django.core.mail.backends import smtp


class NotHandedOver(smtplib.SMTPException):
    """The caller withdrew the message before its last line: nothing was delivered."""


class _LastLineHook:
    handing_over = None

    def _get_socket(self, host, port, timeout):
        sock = super()._get_socket(host, port, timeout)
        # The last line goes alone, after the body: without this, the kernel holds it back
        # until the server acknowledges the body (up to 40 ms a message).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def data(self, msg):
        if self.handing_over is None:
            return super().data(msg)
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        body = re.sub(rb"(?m)^\.", b"..", msg)  # a line starting with "." is doubled
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        self.send(body)
        with self.handing_over() as still_ours:
            if not still_ours:
                self.close()  # the server saw no end: it discards what it had
                raise NotHandedOver("The message was withdrawn before its last line.")
            self.send(b".\r\n")
        return self.getreply()


class _SMTP(_LastLineHook, smtplib.SMTP):
    pass


class _SMTP_SSL(_LastLineHook, smtplib.SMTP_SSL):  # noqa: N801 - as smtplib names it
    pass


class EmailBackend(smtp.EmailBackend):
    sends_last_line_in_handover = True

    @property
    def connection_class(self):
        return _SMTP_SSL if self.use_ssl else _SMTP

    def _send(self, email_message):
        self.connection.handing_over = getattr(email_message, "handing_over", None)
        try:
            return super()._send(email_message)
        finally:
            if self.connection is not None:
                self.connection.handing_over = None
