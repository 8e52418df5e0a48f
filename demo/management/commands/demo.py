from django.core.management.base import BaseCommand

from demo.council import council_demo_load
from demo.intake import intake_demo_load
from demo.meetings import meetings_demo_load
from demo.people import DEMO_PASSWORD, people_load
from demo.residents import residents_demo_load
from demo.review import review_demo_load
from demo.voting import voting_demo_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        rows = people_load()
        intake_demo_load()
        review_demo_load()
        voting_demo_load()
        residents_demo_load()
        meetings_demo_load()
        council_demo_load()
        width = max(len(email) for email, _, _ in rows)
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for email, role, organisation in rows:
            self.stdout.write(f"  {email:<{width}}  {role} — {organisation}")
        self.stdout.write("  radny02@ … radny21@wotum.localhost  Radny — Rada Miasta Rybnika")
