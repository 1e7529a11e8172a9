# Article.fingerprint has been unused since the near-duplicate check moved to its SimHash band index (ingest.TextFingerprint).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0018_month_counts"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="article",
            name="article_fingerprint_idx",
        ),
        migrations.RemoveField(
            model_name="article",
            name="fingerprint",
        ),
    ]
