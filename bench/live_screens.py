"""Figure 6: live screens of a resolution vote (meetings) and of a council vote (council).

Runs inside ``bench/run.py``'s process (Django set up on the bench database, gunicorn
serving it). For each kind of meeting: 500 simulated screens poll its ``state.json`` once a
second with ``If-None-Match`` (aiohttp, one coroutine per screen, staggered over the
second); the CPU of gunicorn's processes over a quiet window is the cost; a vote opened
and closed through the services is the change whose arrival on every screen is timed;
200 members vote over HTTP within 10 s while the screens keep polling, and each must get
its confirmation, with exactly one live vote each afterwards. The same 500 screens polling
the trivial view (a Django response with no database) is the same-run baseline.
"""
import asyncio
import random
import time
from dataclasses import dataclass, field

import psutil

# A quorum of half the seats: more councillors present than vote.
SCREENS, VOTERS, PRESENT, VOTE_WINDOW = 500, 200, 260, 10.0


def log(message: str) -> None:
    from bench.harness import log as harness_log

    harness_log(message)


@dataclass
class Target:
    """One live page: its state URL, who watches it, and how a member votes on it."""
    kind: str
    state_url: str
    screen_cookies: list[dict]
    voters: list[tuple[int, dict]]  # (user pk, cookies)
    meeting: object
    csrf: str
    resolutions: list = field(default_factory=list)
    actor: object = None


def _cookies_for(users, csrf: str) -> list[dict]:
    from django.conf import settings
    from django.test import Client

    out = []
    for user in users:
        client = Client()
        client.force_login(user)
        out.append({settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME]
                    .value, "csrftoken": csrf})
    return out


def meeting_target(csrf: str, rounds: int) -> Target:
    """A board meeting of 500 registered members, voting, one resolution per round."""
    from accounts.models import User
    from meetings import services
    from meetings.models import Meeting
    from organisations.models import Membership, Organisation
    from organisations.roles import Role

    company = Organisation.objects.create(name="Spółka Benchmark S.A.", slug="bench-company",
                                          kind=Organisation.Kind.COMPANY)
    secretary = User.objects.create(email="sekretarz@bench.example")
    Membership.objects.create(user=secretary, organisation=company,
                              role=Role.COMPANY_SECRETARY)
    meeting = services.meeting_create(organisation=company, kind=Meeting.Kind.BOARD,
                                      title="Posiedzenie (bench)", actor=secretary)
    electors = [services.member_add(meeting=meeting, email=f"czlonek{i}@bench.example",
                                    actor=secretary) for i in range(SCREENS)]
    resolutions = [services.resolution_add(meeting=meeting, identifier=f"Uchwała nr {n}/2026",
                                           actor=secretary) for n in range(1, rounds + 1)]
    meeting = services.meeting_open_registration(meeting=meeting, actor=secretary,
                                                 base_url="http://127.0.0.1/")
    for invitation in meeting.invitations.select_related("elector__user", "meeting"):
        services.invitation_accept(invitation=invitation, password=None)
    meeting = services.meeting_start_voting(meeting=meeting, actor=secretary)
    users = [e.user for e in electors]
    cookies = _cookies_for(users, csrf)
    return Target("meeting", f"/meetings/{meeting.pk}/state.json", cookies,
                  list(zip([u.pk for u in users[:VOTERS]], cookies[:VOTERS], strict=True)),
                  meeting, csrf, resolutions, secretary)


def council_target(csrf: str, rounds: int) -> Target:
    """A council of 500 seats in session; 200 councillors confirmed present; public screens."""
    from accounts.models import User
    from council import services
    from council.models import Council
    from organisations.models import Membership, Organisation
    from organisations.roles import Role

    organisation = Organisation.objects.create(name="Rada Benchmark", slug="bench-rada",
                                               kind=Organisation.Kind.COUNCIL)
    council = Council.objects.create(organisation=organisation, seats=SCREENS)
    operator = User.objects.create(email="operator@bench.example")
    Membership.objects.create(user=operator, organisation=organisation,
                              role=Role.COUNCIL_OPERATOR)
    users = User.objects.bulk_create([User(email=f"radny{i:03d}@bench.example",
                                           first_name=f"Imię{i:03d}",
                                           last_name=f"Nazwisko{i:03d}", password="!")
                                      for i in range(SCREENS)])
    Membership.objects.bulk_create([Membership(user=u, organisation=organisation,
                                               role=Role.COUNCILLOR) for u in users])
    meeting = services.council_session_create(council=council, title="Sesja (bench)",
                                              actor=operator)
    resolutions = [services.session_item_add(meeting=meeting, title=f"punkt {n}",
                                             identifier=f"Uchwała nr I/{n}/2026", actor=operator)
                   for n in range(1, rounds + 1)]
    meeting = services.session_start(meeting=meeting, actor=operator)
    check = services.quorum_check_start(meeting=meeting, actor=operator, seconds=3600)
    voters = users[:VOTERS]
    for user in users[:PRESENT]:
        services.presence_confirm(meeting=meeting, user=user)
    services.quorum_check_close(check=check, actor=operator)
    cookies = _cookies_for(voters, csrf)
    screens = [{} for _ in range(SCREENS)]  # the state is public: projectors, the press
    return Target("council", f"/rada/sesje/{meeting.pk}/state.json", screens,
                  list(zip([u.pk for u in voters], cookies, strict=True)), meeting, csrf,
                  resolutions, operator)


class Screens:
    """500 pollers of one URL; each remembers its ETag and when it last saw it change."""

    def __init__(self, base_url: str, path: str, cookies: list[dict]):
        self.base_url, self.path, self.cookies = base_url, path, cookies
        self.etags = [""] * len(cookies)
        self.changed_at = [0.0] * len(cookies)
        self.counts = {"200": 0, "304": 0, "other": 0, "errors": 0}
        self.stop = False

    async def screen(self, session, i: int, offset: float) -> None:
        import aiohttp

        await asyncio.sleep(offset)
        headers = {"Accept-Language": "pl"}
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies[i].items())
        if cookie:
            headers["Cookie"] = cookie
        next_at = time.monotonic()
        while not self.stop:
            if self.etags[i]:
                headers["If-None-Match"] = self.etags[i]
            try:
                async with session.get(self.base_url + self.path, headers=headers,
                                       allow_redirects=False) as response:
                    await response.read()
                    status = response.status
                    if status == 200:
                        etag = response.headers.get("ETag", "")
                        if etag != self.etags[i]:
                            self.etags[i], self.changed_at[i] = etag, time.monotonic()
                    self.counts[str(status) if status in (200, 304) else "other"] += 1
            except (TimeoutError, aiohttp.ClientError):
                self.counts["errors"] += 1
            next_at += 1.0
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    async def all_tagged(self, limit: float = 30.0) -> None:
        """Wait until every screen holds its ETag (the quiet window is about polls of an
        unchanged state, not the first loads), at least 2.5 s and at most ``limit``."""
        started = time.monotonic()
        await asyncio.sleep(2.5)
        while not all(self.etags) and time.monotonic() - started < limit:
            await asyncio.sleep(0.1)

    async def run(self, session):
        n = len(self.cookies)
        return await asyncio.gather(*(self.screen(session, i, i / n) for i in range(n)))


def web_cpu(pid: int) -> float:
    """CPU seconds used so far by gunicorn's master and workers."""
    total = 0.0
    master = psutil.Process(pid)
    for process in [master, *master.children(recursive=True)]:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


async def _cpu_window(screens: Screens, pid: int, seconds: float) -> dict:
    counts = dict(screens.counts)
    cpu, started = web_cpu(pid), time.monotonic()
    await asyncio.sleep(seconds)
    used, span = web_cpu(pid) - cpu, time.monotonic() - started
    done = {k: screens.counts[k] - counts[k] for k in counts}
    return {"cpu_pct": 100 * used / span, "requests_per_s": sum(done.values()) / span,
            "statuses": done}


async def _change(screens: Screens, change, timeout: float = 6.0) -> dict:
    """Run ``change`` (a service call) and time until every screen has seen a new ETag."""
    before = list(screens.etags)
    started = time.monotonic()
    await asyncio.to_thread(change)
    deadline = started + timeout
    while time.monotonic() < deadline:
        if all(e != b for e, b in zip(screens.etags, before, strict=True)):
            break
        await asyncio.sleep(0.05)
    seen = [t - started for t, e, b in zip(screens.changed_at, screens.etags, before,
                                            strict=True) if e != b]
    return {"screens_seen": len(seen), "all_seen_s": max(seen) if len(seen) == len(before)
            else None, "median_s": sorted(seen)[len(seen) // 2] if seen else None}


async def _votes(session, base_url: str, target: Target, resolution, confirmed_texts) -> dict:
    """Each voter POSTs once at a random moment of the 10 s, then reads their confirmation."""
    import aiohttp

    csrf = target.csrf
    if target.kind == "meeting":
        url = f"{base_url}/meetings/{target.meeting.pk}/resolutions/{resolution.pk}/vote/"
    else:
        url = f"{base_url}/rada/sesje/{target.meeting.pk}/krok/vote/"
    outcome = {"confirmed": 0, "refused": 0, "errors": 0, "latest_s": 0.0}
    started = time.monotonic()

    async def one(cookies: dict, choice: str) -> None:
        await asyncio.sleep(random.uniform(0, VOTE_WINDOW))  # noqa: S311 - load shape only
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        data = {"csrfmiddlewaretoken": csrf, "choice": choice}
        if target.kind == "council":
            data["item"] = str(resolution.pk)
        headers = {"Cookie": cookie, "Accept-Language": "pl"}
        try:
            async with session.post(url, data=data, headers=headers,
                                    allow_redirects=False) as response:
                await response.read()
                location = response.headers.get("Location", "")
                set_cookie = response.headers.getall("Set-Cookie", [])
            if response.status != 302:
                outcome["refused"] += 1
                return
            extra = "".join(f"; {c.split(';', 1)[0]}" for c in set_cookie)
            async with session.get(base_url + location if location.startswith("/")
                                   else location, headers={"Cookie": cookie + extra,
                                                           "Accept-Language": "pl"},
                                   allow_redirects=False) as page:
                body = await page.text()
            ok = page.status == 200 and (target.kind == "meeting"
                                         or any(t in body for t in confirmed_texts))
            outcome["confirmed" if ok else "refused"] += 1
            outcome["latest_s"] = max(outcome["latest_s"], time.monotonic() - started)
        except (TimeoutError, aiohttp.ClientError) as error:
            outcome["errors"] += 1
            outcome.setdefault("first_error", repr(error))

    await asyncio.gather(*(one(cookies, random.choice(("for", "against", "abstain")))  # noqa: S311
                           for _pk, cookies in target.voters))
    return outcome


def _live_votes(resolution, voter_pks: list[int]) -> dict:
    from ballots.models import Vote

    rows = Vote.objects.filter(poll_id=resolution.poll_id, counts=True)
    per_voter = {}
    for elector_user in rows.values_list("elector__user_id", flat=True):
        per_voter[elector_user] = per_voter.get(elector_user, 0) + 1
    wrong = sum(1 for pk in voter_pks if per_voter.get(pk, 0) != 1)
    return {"live_votes": rows.count(), "voters_without_exactly_one": wrong}


async def _measure(base_url: str, pid: int, target: Target, resolution, window: float) -> dict:
    import aiohttp
    from django.utils import translation

    from council import services as council_services
    from meetings import services as meeting_services
    from meetings.models import Resolution

    with translation.override("pl"):
        confirmed = {translation.gettext("Your vote is recorded.")}
    confirmed.add("Your vote is recorded.")
    connector = aiohttp.TCPConnector(limit=0)  # kept alive, as a browser's
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        screens = Screens(base_url, target.state_url, target.screen_cookies)
        poller = asyncio.ensure_future(screens.run(session))
        await screens.all_tagged()
        quiet = await _cpu_window(screens, pid, window)
        if target.kind == "meeting":
            def vote_open():
                meeting_services.resolution_open(resolution=resolution, actor=target.actor)
        else:
            def vote_open():
                council_services.item_vote_open(resolution=resolution, actor=target.actor,
                                                rule=Resolution.Rule.SIMPLE, seconds=600)

        def vote_close():
            fresh = Resolution.objects.get(pk=resolution.pk)
            meeting_services.resolution_close(resolution=fresh, actor=target.actor)

        opened = await _change(screens, vote_open)
        votes = await _votes(session, base_url, target, resolution, confirmed)
        await asyncio.sleep(1.5)
        closed = await _change(screens, vote_close)
        screens.stop = True
        await poller
    live = await asyncio.to_thread(_live_votes, resolution, [pk for pk, _c in target.voters])
    return {"quiet": quiet, "opened": opened, "closed": closed, "votes": votes, **live,
            "statuses": screens.counts}


async def _baseline(base_url: str, pid: int, window: float) -> dict:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=10)) as session:
        screens = Screens(base_url, "/bench/trivial/", [{} for _ in range(SCREENS)])
        poller = asyncio.ensure_future(screens.run(session))
        await asyncio.sleep(2.5)
        quiet = await _cpu_window(screens, pid, window)
        screens.stop = True
        await poller
    return quiet


def targets_make(csrf: str, rounds: int) -> list[Target]:
    started = time.monotonic()
    targets = [meeting_target(csrf, rounds), council_target(csrf, rounds)]
    log(f"live screens: meeting and council of {SCREENS} made in "
        f"{time.monotonic() - started:.0f} s")
    return targets


def live_round(base_url: str, pid: int, targets: list[Target], round_no: int,
               window: float) -> dict:
    """One round: the baseline window, then each target with its round's resolution."""
    out = {"baseline": asyncio.run(_baseline(base_url, pid, window))}
    for target in targets:
        out[target.kind] = asyncio.run(_measure(base_url, pid, target,
                                                target.resolutions[round_no], window))
    log(f"  live screens: trivial {out['baseline']['cpu_pct']:.0f} % of a core; " + "; ".join(
        f"{t.kind} {out[t.kind]['quiet']['cpu_pct']:.0f} %, open seen in "
        f"{out[t.kind]['opened']['all_seen_s']}, close in {out[t.kind]['closed']['all_seen_s']},"
        f" votes {out[t.kind]['votes']}, live {out[t.kind]['live_votes']}"
        for t in targets))
    return out


def live_met(round_result: dict) -> bool:
    for kind in ("meeting", "council"):
        r = round_result[kind]
        seen = (r["opened"]["all_seen_s"], r["closed"]["all_seen_s"])
        if r["quiet"]["cpu_pct"] >= 25 or any(s is None or s > 2 for s in seen):
            return False
        if r["votes"]["confirmed"] != VOTERS or r["voters_without_exactly_one"]:
            return False
        if r["live_votes"] != VOTERS:
            return False
    return True
