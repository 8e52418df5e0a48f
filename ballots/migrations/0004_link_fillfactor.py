"""Leave room in the link table's pages so that consuming a link is a HOT update.

Every link is updated exactly once, when its card is cast. With full pages PostgreSQL
writes the new row version elsewhere and a new entry in each of the table's three
indexes; with free space on the page it updates in place and touches no index. (SQLite
has no such setting.)
"""
from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ballots_ballotlink SET (fillfactor = 70)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ballots_ballotlink RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("ballots", "0003_poll_scoring_resultrun")]
    operations = [migrations.RunPython(forwards, backwards)]
