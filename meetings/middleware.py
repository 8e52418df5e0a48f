"""Answer an unchanged live state with 304 before sessions, auth and the database.

Hundreds of screens poll a meeting's or a council session's state every second; through
the whole stack each poll costs a session read, a user read and the version query. This
middleware sits at the top of MIDDLEWARE and answers a conditional GET of a state URL
itself when its tag is still current (``meetings.live.still_current``: the cache's
counter, and a keyed hash of this browser's cookies, so only a browser that got an
authorised 200 for this very state can hold it). Anything else goes down the stack.
"""
from django.http import HttpResponseNotModified
from django.urls import reverse

from . import live

# (kind, URL name, headers of the view's 304): the meeting's document is per person.
STATES = (("m", "meetings:state", {"Cache-Control": "private, no-cache",
                                   "Vary": "Cookie, Accept-Language"}),
          ("s", "council:state", {"Cache-Control": "no-cache"}))


class LiveStateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.routes = None

    def _routes(self):
        # From the URLconf, once (not at start-up: the URLconf may not be loaded yet).
        if self.routes is None:
            routes = []
            for kind, name, headers in STATES:
                prefix, suffix = reverse(name, args=[987654321]).split("987654321")
                routes.append((kind, prefix, suffix, headers))
            self.routes = routes
        return self.routes

    def __call__(self, request):
        header = request.META.get("HTTP_IF_NONE_MATCH")
        if header and request.method == "GET":
            path = request.path_info
            for kind, prefix, suffix, headers in self._routes():
                if path.startswith(prefix) and path.endswith(suffix):
                    pk = path[len(prefix):len(path) - len(suffix)]
                    tag = pk.isdigit() and live.still_current(request, kind, int(pk), header)
                    if tag:
                        response = HttpResponseNotModified()
                        response["ETag"] = tag
                        for key, value in headers.items():
                            response[key] = value
                        return response
        return self.get_response(request)
