"""The tally's index carries the votes' weight, so counting reads the index alone (bench
figure 4). Built before the old one goes, so the votes are never without one."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ballots', '0008_elector_attendance'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='vote',
            index=models.Index(fields=['poll', 'counts', 'option', 'weight'], name='vote_tally'),
        ),
        migrations.RemoveIndex(
            model_name='vote',
            name='ballots_vot_poll_id_a0cc89_idx',
        ),
    ]
