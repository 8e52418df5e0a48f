"""Temporary (not committed): screenshots of the council pages for a visual check."""
import pytest


@pytest.fixture
def demo_council(demo_people):
    from demo.council import council_demo_load

    return council_demo_load()


def test_screens(browser, live_server, login, demo_council):
    from council import services
    from demo.council import NEXT
    from meetings.models import Meeting
    from accounts.models import User

    op = User.objects.get(email="operator@wotum.localhost")
    meeting = Meeting.objects.get(title=NEXT)
    meeting = services.session_start(meeting=meeting, actor=op)
    check = services.quorum_check_start(meeting=meeting, actor=op)
    users = [e.user for e in meeting.roll.electors.select_related("user")]
    for u in users[:15]:
        services.presence_confirm(meeting=meeting, user=u)
    services.quorum_check_close(check=check, actor=op)
    item = services.item_vote_open(resolution=meeting.resolutions.first(), actor=op,
                                   rule="simple", seconds=600)
    for u in users[:6]:
        services.item_vote_cast(resolution=item, user=u, choice="for")
    for w, h, tag in ((390, 844, "phone"), (1366, 900, "desktop")):
        ctx = browser.new_context(viewport={"width": w, "height": h})
        p = ctx.new_page()
        login(p, "operator@wotum.localhost")
        p.goto(f"{live_server.url}/rada/sesje/{meeting.pk}/")
        p.screenshot(path=f"/tmp/council_operator_{tag}.png", full_page=True)
        ctx.close()
        ctx = browser.new_context(viewport={"width": w, "height": h})
        p = ctx.new_page()
        login(p, "councillor@wotum.localhost")
        p.goto(f"{live_server.url}/rada/sesje/{meeting.pk}/")
        p.screenshot(path=f"/tmp/council_councillor_{tag}.png", full_page=True)
        p.goto(f"{live_server.url}/rada/moje/")
        p.screenshot(path=f"/tmp/council_mine_{tag}.png", full_page=True)
        p.goto(f"{live_server.url}/rada/rada-rybnik/")
        p.screenshot(path=f"/tmp/council_public_{tag}.png", full_page=True)
        ctx.close()
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    p = ctx.new_page()
    p.goto(f"{live_server.url}/rada/sesje/{meeting.pk}/projektor/")
    p.screenshot(path="/tmp/council_projector_live.png")
    past = Meeting.objects.get(title="Sesja XI/2026")
    p.goto(f"{live_server.url}/rada/sesje/{past.pk}/projektor/")
    p.screenshot(path="/tmp/council_projector_result.png")
    ctx.close()
