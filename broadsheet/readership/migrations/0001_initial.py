# The view tables come from newsroom (ArticleViews) and discovery (HourlyViews) with their rows
# (#11): their migrations renamed the tables, so the models enter readership's state only, and
# each content type row changes app so permissions and admin log entries follow the model.
# On an empty database there is no content type row yet (post_migrate creates it), and the
# update finds nothing.

import django.db.models.deletion
from django.db import migrations, models

from broadsheet.core.moved_models import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('newsroom', '0008_move_article_views_to_readership'),
        ('discovery', '0004_move_hourly_views_to_readership'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ArticleViews',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('views', models.PositiveIntegerField(default=0)),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='daily_views', to='newsroom.article')),
                    ],
                    options={
                        'verbose_name_plural': 'article views',
                        'indexes': [models.Index(fields=['day', 'article'], name='article_views_day_idx')],
                        'constraints': [models.UniqueConstraint(fields=('article', 'day'), name='article_views_day_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='HourlyViews',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hour', models.DateTimeField()),
                        ('views', models.PositiveIntegerField(default=0)),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='hourly_views', to='newsroom.article')),
                    ],
                    options={
                        'verbose_name_plural': 'hourly views',
                        'indexes': [models.Index(fields=['hour', 'article'], name='hourly_views_hour_idx')],
                        'constraints': [models.UniqueConstraint(fields=('article', 'hour'), name='hourly_views_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types('newsroom', 'readership', 'articleviews'),
        move_content_types('discovery', 'readership', 'hourlyviews'),
    ]
