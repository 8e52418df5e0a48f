"""Presence becomes the elector's ``attendance`` state machine; ``present`` (what the vote
guard reads) is tied to it by a check constraint. Rebuilding ``ballots_elector`` on SQLite
must not lose the guard on ``ballots_vote``: it is put back after."""

import viewflow.fsm.fields
from django.conf import settings
from django.db import migrations, models

from ballots.roll_guard import SQLITE_DOWN, sqlite_guard_restore


def sqlite_guard_lift(apps, schema_editor):
    """SQLite refuses to rename a rebuilt ``ballots_elector`` while the vote trigger names it."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


def attendance_from_presence(apps, schema_editor):
    Elector = apps.get_model("ballots", "Elector")
    Elector.objects.filter(present=True).update(attendance="present")


class Migration(migrations.Migration):

    dependencies = [
        ('ballots', '0007_merge_20261202_1938'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(sqlite_guard_lift, sqlite_guard_restore),
        migrations.AlterModelOptions(
            name='elector',
            options={'ordering': ['roll', 'position', 'id'], 'permissions': [('record_attendance', "Can record electors' attendance")], 'verbose_name': 'elector', 'verbose_name_plural': 'electors'},
        ),
        migrations.AddField(
            model_name='elector',
            name='attendance',
            field=viewflow.fsm.fields.FSMField(choices=[('absent', 'absent'), ('present', 'present')], default='absent', max_length=10, verbose_name='attendance'),
        ),
        migrations.RunPython(attendance_from_presence, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='elector',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('attendance', 'present'), ('present', True)), models.Q(('attendance', 'absent'), ('present', False)), _connector='OR'), name='elector_present_is_attendance'),
        ),
        migrations.RunPython(sqlite_guard_restore, sqlite_guard_lift),
    ]
