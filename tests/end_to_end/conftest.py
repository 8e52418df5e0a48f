"""Browser tests: Playwright driving Debian's Chromium, headless, with axe-core checks."""
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("WOTUM_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("WOTUM_REQUIRE_BROWSER", "") == "1"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                if REQUIRED:
                    item.add_marker(pytest.mark.xfail(
                        reason=f"{CHROMIUM} is required here and missing", run=False,
                        strict=True))
                else:
                    item.add_marker(pytest.mark.skip(
                        reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture
def axe():
    """Return a checker that fails on serious or critical WCAG violations of a page."""
    from axe_playwright_python.sync_playwright import Axe

    checker = Axe()

    def check(page):
        results = checker.run(page, options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"]})
        bad = [v for v in results.response["violations"]
               if v.get("impact") in {"serious", "critical"}]
        report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — "
                           f"{[n['target'] for n in v['nodes']][:5]}" for v in bad)
        assert not bad, f"accessibility violations on {page.url}:\n{report}"

    return check


@pytest.fixture
def demo_people(transactional_db):
    from demo.people import people_load

    return people_load()


@pytest.fixture
def login(live_server):
    """Log ``email`` in through the login form, as a person would."""
    from demo.people import DEMO_PASSWORD

    def do(page, email, password=DEMO_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Adres e-mail").fill(email)
        page.get_by_label("Hasło").fill(password)
        page.get_by_role("button", name="Zaloguj", exact=True).click()
        page.wait_for_load_state()

    return do
