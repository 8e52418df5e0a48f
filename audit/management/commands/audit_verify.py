from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditRecord
from audit.selectors import audit_chain_verify, audit_unchained_count
from audit.services import audit_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains and name the first broken row of each."

    def add_arguments(self, parser):
        parser.add_argument("--stream", help="verify only this stream")
        parser.add_argument("--chain", action="store_true",
                            help="first link rows that wait for the chaining step")

    def handle(self, *args, stream=None, chain=False, **options):
        if chain:
            audit_chain(stream=stream)
        breaks = audit_chain_verify(stream)
        if breaks:
            for item in breaks:
                where = f"record id {item.record_id}" if item.record_id else "no record"
                self.stderr.write(
                    f"BROKEN stream {item.stream!r} at seq {item.seq} ({where}): {item.reason}"
                )
            raise CommandError(f"{len(breaks)} broken chain(s)")
        unchained = audit_unchained_count(stream)
        count = AuditRecord.objects.filter(**({"stream": stream} if stream else {})).count()
        self.stdout.write(f"OK: {count - unchained} audit records verified")
        if unchained:
            self.stdout.write(f"{unchained} audit records not chained yet (not checked)")
