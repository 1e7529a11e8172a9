"""Contact messages and takedown requests, moved here from the site app with their rows.

The tables already exist (site 0002 renamed them): this creates the models in the state only,
then relabels their content types so permissions and admin log entries follow.
"""

import django.db.models.deletion
from django.db import migrations, models

from broadsheet.core.moved_models import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('newsroom', '0001_initial'),
        ('site', '0002_move_inbox_models'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ContactMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120)),
                        ('email', models.EmailField(max_length=254)),
                        ('subject', models.CharField(max_length=200)),
                        ('message', models.TextField(max_length=5000)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('ip_hash', models.CharField(blank=True, help_text="Keyed SHA-256 of the sender's address.", max_length=64, verbose_name='IP hash')),
                        ('user_agent', models.CharField(blank=True, max_length=300)),
                        ('handled', models.BooleanField(default=False)),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='TakedownRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120)),
                        ('email', models.EmailField(max_length=254)),
                        ('organisation', models.CharField(blank=True, max_length=200)),
                        ('article_url', models.URLField(max_length=1000, verbose_name='article URL')),
                        ('work_description', models.TextField(help_text='The work the claimant says was infringed.', max_length=5000, verbose_name='copyrighted work')),
                        ('sworn_statement', models.BooleanField(default=False, help_text='Good-faith belief and accuracy under penalty of perjury.')),
                        ('signature', models.CharField(help_text='Typed full name.', max_length=200)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('ip_hash', models.CharField(blank=True, max_length=64, verbose_name='IP hash')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('withdrawn', 'Article withdrawn'), ('rejected', 'Rejected')], db_index=True, default='open', max_length=10)),
                        ('handled_at', models.DateTimeField(blank=True, null=True)),
                        ('notes', models.TextField(blank=True, help_text='Internal notes; never shown to the claimant.')),
                        ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='takedown_requests', to='newsroom.article')),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                    },
                ),
            ],
        ),
        move_content_types('site', 'inbox', 'contactmessage', 'takedownrequest'),
    ]
