"""collectstatic, quietly: `init` runs it, and `serve` when the manifest is missing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command


def collect_static() -> None:
    """WhiteNoise serves the hashed, compressed files this writes."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
