"""WSGI entry point for gunicorn/granian (`broadsheet serve` starts it).

Page-cache hits are answered before Django's handler (broadsheet/site/fastpath.py).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.dev")

django_application = get_wsgi_application()

from broadsheet.site.fastpath import FastPathApplication  # noqa: E402 - needs Django set up

application = FastPathApplication(django_application)
