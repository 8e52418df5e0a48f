"""The WSGI application: Django's, behind the live screens' 304 (issue 17).

Hundreds of screens poll an unchanged meeting state every second. Most of such a poll's
cost was Django's handler before ``LiveStateMiddleware`` answered (the request object,
the request_started/finished signals closing old connections, the middleware chain), so
the same rule (``meetings.middleware.not_modified``) answers here, from the WSGI environ.
"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wotum.settings")
django_application = get_wsgi_application()

from django.core.handlers.wsgi import get_path_info  # noqa: E402 - after django.setup()
from django.http.cookie import parse_cookie  # noqa: E402

from meetings.middleware import not_modified  # noqa: E402


def application(environ, start_response):
    header = environ.get("HTTP_IF_NONE_MATCH")
    if header:
        headers = not_modified(environ.get("REQUEST_METHOD", "").upper(),
                               get_path_info(environ), header,
                               parse_cookie(environ.get("HTTP_COOKIE", "")))
        if headers is not None:
            start_response("304 Not Modified", headers)
            return []
    return django_application(environ, start_response)
