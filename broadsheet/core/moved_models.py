"""Moving a model to another app: its content type row moves too, so permissions and log follow.

Group and user permissions and the admin's log entries point at the content type row; a model
whose table moves to a new app keeps them only if that row is relabelled rather than made
afresh. For the `RunPython` step of the migration that moves a model in (it needs the
contenttypes app among its dependencies).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def move_content_types(from_label: str, to_label: str, *model_names: str) -> migrations.RunPython:
    """A reversible operation relabelling the content types of `model_names` (lower case)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        _relabel(apps, from_label, to_label, model_names)

    def backwards(apps: Any, schema_editor: Any) -> None:
        _relabel(apps, to_label, from_label, model_names)

    return migrations.RunPython(forwards, backwards, elidable=False)


def _relabel(apps: Any, old: str, new: str, model_names: tuple[str, ...]) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    # A row already under the new label (only a hand-run command makes one mid-move) wins; the
    # old one is then stale, for remove_stale_contenttypes, rather than a duplicate key.
    taken = content_type.objects.filter(app_label=new, model__in=model_names).values_list("model", flat=True)
    content_type.objects.filter(app_label=old, model__in=model_names).exclude(model__in=list(taken)).update(
        app_label=new
    )
