"""End the alerts of addresses an SMTP server reported as not existing: reads delivery
status notifications (RFC 3464 "bounce" emails) from files, or from standard input, e.g.
piped from the mail server's bounce mailbox."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from stats.alerts import bounces


class Command(BaseCommand):
    help = "End the alerts of addresses that hard-bounced, from DSN emails (files or stdin)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="DSN emails (.eml); none: standard input")

    def handle(self, *files, **options):
        raws = [Path(name).read_bytes() for name in options["files"]] or [sys.stdin.buffer.read()]
        addresses = [address for raw in raws for address in bounces.hard_bounces(raw)]
        ended = bounces.end(addresses)
        self.stdout.write(f"{len(addresses)} hard bounces read; {ended} subscriptions ended.")
