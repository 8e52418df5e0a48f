from django.core.management.base import BaseCommand

from demo.people import DEMO_PASSWORD, people_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        rows = people_load()
        width = max(len(email) for email, _, _ in rows)
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for email, role, organisation in rows:
            self.stdout.write(f"  {email:<{width}}  {role} — {organisation}")
