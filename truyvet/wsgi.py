import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyvet.settings")
application = get_wsgi_application()

# POSTs to the scan API take a lean route (same rules, fewer middleware): see
# truyvet.checkins.wsgi.
from truyvet.checkins.wsgi import ScanRoute  # noqa: E402

application = ScanRoute(application)
