# ArticleViews moves to the readership app (#11), keeping its rows: the table is renamed to the
# name readership would give it, then the model leaves newsroom's state without touching the
# database. readership's 0001_initial takes the model into its state and moves the content type.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('newsroom', '0007_legacy_redirect'),
    ]

    operations = [
        migrations.AlterModelTable(name='ArticleViews', table='readership_articleviews'),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ArticleViews')],
            database_operations=[],
        ),
    ]
