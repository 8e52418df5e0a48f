"""Issue 11 "No English in the Polish interface": every page each demo role reaches from the
home page, read in Polish, shows none of our catalogue's English msgids."""
import re
import time
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from demo.people import PEOPLE

from .test_catalogue import CATALOGUE, _entries

pytestmark = pytest.mark.django_db
# Links a crawl must not follow: leaving, switching the language, Django's own admin, files.
SKIP = re.compile(r"^/(accounts/logout|i18n/|admin/|static/|media/|healthz|anymail/)"
                  r"|\.(xlsx|csv|pdf|zip|json|txt|png|jpe?g|svg|ics)(\?|$)"
                  r"|/(export|download|print|template\.xlsx|pictures|attachments)/")
PAGES_PER_ROLE = 80
# Pages of one shape (/pb/proposals/<n>/, ?page=2) share their words: two of each will do.
VARIANTS_PER_SHAPE = 2
_DIGITS = re.compile(r"[0-9]+")


class _Page(HTMLParser):
    """The text a reader sees (not scripts, styles or hidden templates) and the links."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.links.append(attrs["href"])
        for name in ("title", "aria-label", "placeholder", "alt"):
            if attrs.get(name):
                self.text.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.text.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _patterns() -> list[tuple[str, re.Pattern]]:
    """English msgids of several words (placeholders match anything), and every msgid whose
    Polish translation is empty: if one of them shows, a string escaped translation."""
    patterns = []
    for entry in _entries(CATALOGUE):
        msgid = entry["msgid"]
        translations = list(entry["msgstr"].values())
        empty = not translations or any(not text.strip() for text in translations)
        if not msgid or (len(msgid.split()) < 2 and not empty) or msgid in translations:
            continue
        parts = [re.escape(" ".join(part.split()))
                 for part in re.split(r"%\(\w+\)[sdi]|%[sdi]|\{\{[^}]*\}\}", msgid)]
        if sum(len(part) for part in parts) < 8:
            continue  # "%(a)s – %(b)s": too little text to tell a language by
        patterns.append((msgid, re.compile(r"\b" + r".{0,80}?".join(parts).replace(
            r"\ ", r"\s+"), re.S)))
    return patterns


def _crawl(client, budget_seconds: float) -> dict[str, list[str]]:
    """Visit every page reachable from the home page; {url: English msgids on it}."""
    patterns = _patterns()
    queue, seen, per_shape, found = ["/"], {"/"}, {}, {}
    deadline = time.monotonic() + budget_seconds
    while queue and len(seen) <= PAGES_PER_ROLE and time.monotonic() < deadline:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        text = " ".join(" ".join(page.text).split())
        english = [msgid for msgid, pattern in patterns if pattern.search(text)]
        if english:
            found[url] = english
        for href in page.links:
            link = urldefrag(href)[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/") or SKIP.search(link):
                continue
            shape = _DIGITS.sub("N", parts.path) + ("?" if parts.query else "")
            if link in seen or per_shape.get(shape, 0) >= VARIANTS_PER_SHAPE:
                continue
            seen.add(link)
            per_shape[shape] = per_shape.get(shape, 0) + 1
            queue.append(link)
    return found


def test_no_page_any_demo_role_reaches_shows_english(demo_data, client):
    from accounts.models import User

    client.cookies.load({"django_language": "pl"})
    problems = {}
    roles = [None, *dict.fromkeys(email for email, *_rest in PEOPLE)]
    for email in roles:
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
        for url, msgids in _crawl(client, budget_seconds=30 / len(roles)).items():
            problems.setdefault(url, set()).update(msgids)
    assert not problems, "\n".join(f"{url}: {sorted(msgids)}"
                                   for url, msgids in sorted(problems.items()))
