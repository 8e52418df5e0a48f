"""Take the README's screenshots from a fresh demo: ``python -m docs.screenshots``.

Builds the demo in a throwaway SQLite database, serves it on a free local port, and drives
Debian's Chromium (``/usr/bin/chromium``, or ``WOTUM_CHROMIUM``) through Playwright to save
the front page, a project page, the card's summary and the results page, each on a phone
(390×844) and a desktop (1280×900), as PNG files beside this script. Nothing is downloaded.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM = os.environ.get("WOTUM_CHROMIUM", "/usr/bin/chromium")
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,  # noqa: S603
                   stdout=subprocess.DEVNULL)


def _serve(env, port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _attempt in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the demo server did not start")


def _deliver(env) -> None:
    # The demo's e-mails are built by the worker; deliver them here, without one.
    _manage(env, "shell", "-c", "from notifications.tasks import email_deliver_queued\n"
            "while email_deliver_queued(): pass")


def _shoot(base: str, env) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, is_mobile=size == "phone",
                                          locale="pl-PL")
            page = context.new_page()

            def save(name: str, page=page, size=size) -> None:
                path = HERE / f"{name}-{size}.png"
                page.screenshot(path=str(path))
                saved.append(path)

            page.goto(f"{base}/")
            save("front-page")
            page.get_by_role("link", name="Projekty na karcie").first.click()
            page.get_by_role("link", name="Tężnia solankowa na Bulwarach").click()
            save("project-page")
            # A resident asks for a card link on the project's "Głosuj", as the README says.
            page.get_by_role("link", name="Głosuj").first.click()
            page.get_by_label("Adres e-mail").fill("rodzina@example.org")
            page.get_by_role("button", name="Wyślij").click()
            _deliver(env)
            page.goto(f"{base}/outbox/?to=rodzina@example.org")
            href = page.locator("a", has_text="/vote/card/").first.inner_text()
            page.goto(base + href[href.index("/vote/card/"):])
            page.get_by_test_id("district-first").get_by_role("link", name="Śródmieście").click()
            page.get_by_label("Koncerty letnie na rynku").check()
            page.get_by_label("Psi park w Kampusie").check()
            page.get_by_test_id("card-summary").scroll_into_view_if_needed()
            save("card-summary")
            page.goto(f"{base}/")
            page.get_by_role("link", name="Zobacz wyniki").first.click()
            page.locator("[data-testid=pool-result]").last.scroll_into_view_if_needed()
            save("results")
            context.close()
        browser.close()
    return saved


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="wotum-screens-") as scratch:
        env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{scratch}/demo.db",
               "MEDIA_ROOT": f"{scratch}/media"}
        env.pop("CACHE_URL", None)
        _manage(env, "migrate", "--noinput")
        _manage(env, "createcachetable")
        _manage(env, "demo")
        _deliver(env)
        port = _free_port()
        server = _serve(env, port)
        try:
            for path in _shoot(f"http://127.0.0.1:{port}", env):
                print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} kB")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
