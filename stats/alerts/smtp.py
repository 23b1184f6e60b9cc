"""Django's SMTP backend, with one addition: just before a message's last line (the lone "."
that completes it for the mail server), it calls the message's `before_last_line()`.

The worker records the alert as handed over there, in the database, before the server can
have it. A worker killed before that point leaves a message the server throws away (it never
saw the end), so sending it again sends it once; killed after it, the alert is already
recorded. If `before_last_line()` answers False (another worker took the alert back), the
connection is dropped instead, and the server throws the message away.
"""

import re
import smtplib
import socket

from django.core.mail.backends import smtp


class NotHandedOver(smtplib.SMTPException):
    """The caller withdrew the message before its last line: nothing was delivered."""


class _LastLineHook:
    before_last_line = None

    def _get_socket(self, host, port, timeout):
        sock = super()._get_socket(host, port, timeout)
        # The last line goes alone, after the body: without this, the kernel holds it back
        # until the server acknowledges the body (up to 40 ms a message).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def data(self, msg):
        if self.before_last_line is None:
            return super().data(msg)
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        body = re.sub(rb"(?m)^\.", b"..", msg)  # a line starting with "." is doubled
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        self.send(body)
        if not self.before_last_line():
            self.close()  # the server saw no end: it discards what it had
            raise NotHandedOver("The message was withdrawn before its last line.")
        self.send(b".\r\n")
        return self.getreply()


class _SMTP(_LastLineHook, smtplib.SMTP):
    pass


class _SMTP_SSL(_LastLineHook, smtplib.SMTP_SSL):  # noqa: N801 - as smtplib names it
    pass


class EmailBackend(smtp.EmailBackend):
    calls_before_last_line = True

    @property
    def connection_class(self):
        return _SMTP_SSL if self.use_ssl else _SMTP

    def _send(self, email_message):
        self.connection.before_last_line = getattr(email_message, "before_last_line", None)
        try:
            return super()._send(email_message)
        finally:
            if self.connection is not None:
                self.connection.before_last_line = None
