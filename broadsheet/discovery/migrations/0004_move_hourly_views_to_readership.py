# HourlyViews moves to the readership app (#11), keeping its rows: the table is renamed to the
# name readership would give it, then the model leaves discovery's state without touching the
# database. readership's 0001_initial takes the model into its state and moves the content type.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('discovery', '0003_pending_article'),
    ]

    operations = [
        migrations.AlterModelTable(name='HourlyViews', table='readership_hourlyviews'),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='HourlyViews')],
            database_operations=[],
        ),
    ]
