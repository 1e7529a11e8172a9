"""Contact messages and takedown requests move to the inbox app, keeping their rows.

The tables are renamed to the inbox app's names; the models leave this app's state only.
inbox 0001 takes them into its state and moves their content types.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('site', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='ContactMessage', table='inbox_contactmessage'),
                migrations.AlterModelTable(name='TakedownRequest', table='inbox_takedownrequest'),
            ],
            state_operations=[
                migrations.DeleteModel(name='ContactMessage'),
                migrations.DeleteModel(name='TakedownRequest'),
            ],
        ),
    ]
