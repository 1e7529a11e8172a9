"""WSGI entry point for gunicorn/granian (`broadsheet serve` starts it).

Page-cache hits are answered before Django's handler (broadsheet/edge/fastpath.py), and
uploaded media on local disk before both (broadsheet/core/media_files.py).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.dev")

django_application = get_wsgi_application()

from broadsheet.core.media_files import with_media_files  # noqa: E402 - needs Django set up
from broadsheet.edge.fastpath import FastPathApplication  # noqa: E402 - needs Django set up

application = with_media_files(FastPathApplication(django_application))
