"""Answer an unchanged live state with 304 before sessions, auth and the database.

Hundreds of screens poll a meeting's or a council session's state every second; through
the whole stack each poll costs a session read, a user read and the version query.
``not_modified`` answers a conditional GET of a state URL itself when its tag is still
current (``meetings.live.still_current``: the cache's counters, and a keyed hash of this
browser's cookies, so only a browser that got an authorised 200 for this very state can
hold it). In production ``wotum.wsgi`` asks it before Django's handler is even entered;
this middleware, at the top of MIDDLEWARE, asks it for the dev server and the test
client. Anything else goes down the stack.
"""
from django.http import HttpResponseNotModified
from django.urls import get_script_prefix, reverse

from . import live

# (kind, URL name, headers of the view's 304): the meeting's document is per person.
STATES = (("m", "meetings:state", (("Cache-Control", "private, no-cache"),
                                   ("Vary", "Cookie, Accept-Language"))),
          ("s", "council:state", (("Cache-Control", "no-cache"),)))
_routes = []


def _routes_load() -> list:
    # From the URLconf, once (not at import: the URLconf may not be loaded yet), as paths
    # below the script prefix (PATH_INFO).
    if not _routes:
        script_prefix = get_script_prefix()
        for kind, name, headers in STATES:
            path = "/" + reverse(name, args=[987654321])[len(script_prefix):]
            prefix, suffix = path.split("987654321")
            _routes.append((kind, prefix, suffix, headers))
    return _routes


def not_modified(method: str, path_info: str, header: str | None, cookies
                 ) -> list[tuple[str, str]] | None:
    """The headers of a 304 when this request is a GET of a live state whose tag in
    ``header`` (If-None-Match) is still current for this browser's ``cookies``; else None."""
    if not header or method != "GET":
        return None
    for kind, prefix, suffix, headers in _routes_load():
        if path_info.startswith(prefix) and path_info.endswith(suffix):
            pk = path_info[len(prefix):len(path_info) - len(suffix)]
            tag = pk.isdigit() and live.still_current(cookies, kind, int(pk), header)
            if tag:
                return [("ETag", tag), *headers]
    return None


class LiveStateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        headers = not_modified(request.method, request.path_info,
                               request.META.get("HTTP_IF_NONE_MATCH"), request.COOKIES)
        if headers is None:
            return self.get_response(request)
        response = HttpResponseNotModified()
        for key, value in headers:
            response[key] = value
        return response
