import os

from django.core.wsgi import get_wsgi_application

# Files the server creates (database journal, uploaded scans, logs, face index) are private.
os.umask(0o077)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
application = get_wsgi_application()
