"""`migrate`, one run at a time per database: Django's own command inside a PostgreSQL
advisory lock. Several web servers, a deploy job and an operator may all run it at once (each
container of a release does); without the lock, concurrent runs on a new database fail on
tables, types and content types made twice. A run that waits finds the work done and
changes nothing."""

import zlib

from django.core.management.commands import migrate
from django.db import DatabaseError, connections

# The lock's number: any fixed 64-bit value the site uses for nothing else.
LOCK_KEY = zlib.crc32(b"operation-alliance migrate")


class Command(migrate.Command):
    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            # A migration (or the wait for another run) may take longer than a page is
            # allowed to (DATABASE_STATEMENT_TIMEOUT_MS); this session only.
            cursor.execute("SET statement_timeout = 0")
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                self.stdout.write("Another migrate is running: waiting for it to finish.")
                cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            return super().handle(*args, **options)
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
                    cursor.execute("RESET statement_timeout")
            except DatabaseError:
                pass  # the connection is gone, and the session's lock with it
