"""Old-URL redirects move to newsroom, keeping their rows: the site reads them, and must not
import the importer.

The table is renamed to newsroom's name and the model leaves this app's state only;
newsroom 0007 takes it into its state and moves its content type.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('wpimport', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='LegacyRedirect', table='newsroom_legacyredirect'),
            ],
            state_operations=[
                migrations.DeleteModel(name='LegacyRedirect'),
            ],
        ),
    ]
