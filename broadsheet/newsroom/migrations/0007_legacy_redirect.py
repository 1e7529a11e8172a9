"""Old-URL redirects, moved here from wpimport with their rows.

The table already exists (wpimport 0002 renamed it): this creates the model in the state only,
then relabels its content type so permissions and admin log entries follow.
"""

import django.db.models.deletion
from django.db import migrations, models

from broadsheet.core.moved_models import move_content_types


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('newsroom', '0006_article_publish_permission'),
        ('wpimport', '0002_move_legacy_redirect'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LegacyRedirect',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('old_path', models.CharField(max_length=500, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='newsroom.article')),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='newsroom.author')),
                        ('page', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='newsroom.page')),
                        ('section', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='newsroom.section')),
                        ('tag', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='newsroom.tag')),
                    ],
                ),
            ],
        ),
        move_content_types('wpimport', 'newsroom', 'legacyredirect'),
    ]
