"""CPU per unchanged live-state poll, in one process: Django's handler (the 304 from
LiveStateMiddleware), ``wotum.wsgi``'s answer from the environ, and the trivial view.

    SECRET_KEY=bench DJANGO_SETTINGS_MODULE=bench.settings_bench \\
        CACHE_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/live_poll_cpu.py [polls]

No server and no client: what gunicorn adds is the same for each. Prints µs of CPU per
poll, the median of 5 rounds, and the ratios.
"""
import io
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")


def main(polls: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache

    from meetings import live
    from wotum import wsgi

    meeting_id, counter = 987654, 1234
    cache.set(f"wotum:live:{meeting_id}", counter, 600)
    cookies = {settings.SESSION_COOKIE_NAME: "x" * 32, settings.LANGUAGE_COOKIE_NAME: "pl"}
    body = f"m{meeting_id}-v7-c{counter}"
    tag = f'"{body}-{live._digest(cookies, body)}"'
    cookie = "; ".join(f"{k}={v}" for k, v in {**cookies, "csrftoken": "y" * 32}.items())

    def environ(path, etag):
        return {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
                "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
                "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "HTTP_HOST": "127.0.0.1",
                "HTTP_COOKIE": cookie, "HTTP_ACCEPT_LANGUAGE": "pl", "HTTP_IF_NONE_MATCH": etag}

    statuses = []

    def start_response(status, headers):
        statuses.append(status)

    state = f"/meetings/{meeting_id}/state.json"
    cases = {"django handler → middleware 304": (wsgi.django_application, state, tag),
             "wotum.wsgi 304 from the environ": (wsgi.application, state, tag),
             "trivial view (baseline)": (wsgi.django_application, "/bench/trivial/", "")}
    results = {}
    for name, (app, path, etag) in cases.items():
        rounds = []
        for _ in range(5):
            statuses.clear()
            started = time.process_time()
            for _ in range(polls):
                for _chunk in app(environ(path, etag), start_response):
                    pass
            rounds.append((time.process_time() - started) / polls * 1e6)
        assert set(statuses) == {"200 OK"} if not etag else {"304 Not Modified"}, statuses[:3]
        results[name] = statistics.median(rounds)
    base = results["trivial view (baseline)"]
    for name, us in results.items():
        print(f"{name:34} {us:7.1f} µs CPU per poll, {us / base:.2f} × trivial")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
