from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditRecord
from audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains and name the first broken row of each."

    def add_arguments(self, parser):
        parser.add_argument("--stream", help="verify only this stream")

    def handle(self, *args, stream=None, **options):
        breaks = audit_chain_verify(stream)
        if breaks:
            for item in breaks:
                where = f"record id {item.record_id}" if item.record_id else "no record"
                self.stderr.write(
                    f"BROKEN stream {item.stream!r} at seq {item.seq} ({where}): {item.reason}"
                )
            raise CommandError(f"{len(breaks)} broken chain(s)")
        count = AuditRecord.objects.filter(**({"stream": stream} if stream else {})).count()
        self.stdout.write(f"OK: {count} audit records verified")
