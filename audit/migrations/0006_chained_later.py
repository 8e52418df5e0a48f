"""Audit rows may be written unchained and linked once by the chaining step.

The guard now lets a row go from unchained to chained, once, with nothing else changed;
every other UPDATE (and, on PostgreSQL, every DELETE) is still refused.
"""
from django.db import migrations, models

from audit.guard import guard_install


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_partial_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditrecord',
            name='seq',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='prev_hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.RunPython(guard_install, migrations.RunPython.noop),
    ]
