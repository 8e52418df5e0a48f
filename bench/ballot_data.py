"""Data for ``ballot_throughput.py``: the box, PESELs, request files, tokens, invariants.

Imported only after ``django.setup()``. Nothing here patches Wotum: links are issued by
``ballot_link_request`` (over HTTP in the link-request load, in-process for the top-up)
and their tokens are read back from the stored e-mails, as a voter would read them.
"""
import random
import re
import secrets
import string
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone

from ballots.hashing import token_digest
from ballots.models import Ballot, BallotBox, BallotLink, EmailQuota, Option, Poll
from ballots.services import ballot_link_request
from notifications.models import OutboundEmail
from organisations.models import Organisation

PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
TOKEN_RE = re.compile(r"/vote/card/([^/\s]+)/")
SESSION_RE = re.compile(r"sessionid=([a-z0-9]+)")
RECEIPT_RE = re.compile(r"ballot_receipt=\"?([A-Z0-9]+):")


def box_make(organisation, *, title="Budżet Obywatelski 2026 (bench)",
             districts=("Boguszowice", "Chwałowice", "Niedobczyce", "Orzepowice")) -> BallotBox:
    """An open box shaped like Rybnik's: districts to choose among, and a city-wide poll.

    The same shape as ``tests/voting/conftest.py:box_make`` (three projects per district,
    one choice locally, one city-wide), with four districts instead of two.
    """
    now = timezone.now()
    box = BallotBox.objects.create(organisation=organisation, title=title,
                                   opens_at=now - timedelta(days=1),
                                   closes_at=now + timedelta(days=6))
    number = 0
    for position, name in enumerate(districts):
        poll = Poll.objects.create(organisation=organisation, box=box, title=name,
                                   choice_group="district", max_choices=1,
                                   budget=Decimal("300000"), position=position)
        for _ in range(3):
            number += 1
            Option.objects.create(poll=poll, code=f"2026/{number:03d}",
                                  label=f"Projekt {name} {number}", cost=Decimal("100000"),
                                  position=number)
    citywide = Poll.objects.create(organisation=organisation, box=box, title="Ogólnomiejski",
                                   max_choices=1, budget=Decimal("1000000"),
                                   position=len(districts))
    for _ in range(3):
        number += 1
        Option.objects.create(poll=citywide, code=f"2026/{number:03d}",
                              label=f"Projekt miejski {number}", cost=Decimal("400000"),
                              position=number)
    for poll in box.polls.all():
        poll.open()
        poll.save()
    box.open()
    box.save()
    return box


@dataclass
class BenchBoxes:
    box: BallotBox
    district_options: list[int]
    citywide_poll: int
    citywide_options: list[int]
    baseline_box: BallotBox
    baseline_options: list[tuple[int, int]]
    baseline_quotas: list[int]


def boxes_make(*, baseline_quotas: int = 5000) -> BenchBoxes:
    """The box voters use, and a second box for the baseline view's rows."""
    city = Organisation.objects.create(name="Miasto Benchmark", slug="bench-city", kind="city")
    box = box_make(city)
    polls = list(box.polls.order_by("position"))
    citywide = polls[-1]
    district_options = list(Option.objects.filter(poll__in=polls[:-1]).values_list("pk",
                                                                                 flat=True))
    baseline_box = box_make(city, title="Baseline box (bench)", districts=("Baseline",))
    b_polls = list(baseline_box.polls.order_by("position"))
    baseline_options = [(p.pk, p.options.order_by("position").first().pk) for p in b_polls]
    EmailQuota.objects.bulk_create(
        [EmailQuota(box=baseline_box, email_digest=f"baseline-{i}")
         for i in range(baseline_quotas)])
    quota_ids = list(EmailQuota.objects.filter(box=baseline_box).values_list("pk", flat=True))
    return BenchBoxes(box=box, district_options=district_options, citywide_poll=citywide.pk,
                      citywide_options=list(citywide.options.values_list("pk", flat=True)),
                      baseline_box=baseline_box, baseline_options=baseline_options,
                      baseline_quotas=quota_ids)


def pesel_make(birth: date, serial: int) -> str:
    """A valid PESEL for ``birth`` and a four-digit ``serial`` (check digit computed)."""
    month = birth.month + (20 if birth.year >= 2000 else 0)
    digits = f"{birth.year % 100:02d}{month:02d}{birth.day:02d}{serial:04d}"
    check = (10 - sum(int(d) * w for d, w in zip(digits, PESEL_WEIGHTS, strict=True)) % 10) % 10
    return digits + str(check)


class PeselSource:
    """Distinct valid adult PESELs, never repeating within one bench run."""

    DAYS = 20_000  # 1950-01-01 … 2004-10: everyone is over 16

    def __init__(self):
        self.n = 0
        self.start = date(1950, 1, 1)

    def next(self) -> str:
        n, self.n = self.n, self.n + 1
        return pesel_make(self.start + timedelta(days=n % self.DAYS), n // self.DAYS)


def csrf_secret() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def lines_write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines))
    return path


def baseline_lines(boxes: BenchBoxes, csrf: str, n: int = 5000) -> list[str]:
    rng = random.Random(1)
    body = urlencode({"csrfmiddlewaretoken": csrf})
    return [f"POST\t/bench/ballot/{rng.choice(boxes.baseline_quotas)}/\t{body}"
            for _ in range(n)]


def link_lines(box: BallotBox, csrf: str, n: int, tag: str, repeat_share: float
               ) -> tuple[list[str], int]:
    """``n`` link requests: distinct addresses, ``repeat_share`` of them asked for 4 times.

    The four requests of one address sit next to each other in the file, so wrk's
    threads send them at about the same time (the quota row's lock is exercised).
    Returns the lines and the number of 4× addresses.
    """
    rng = random.Random(tag)
    lines, repeated, i = [], 0, 0
    while len(lines) < n:
        address = f"v{tag}-{i}@bench.invalid"
        times = 4 if rng.random() < repeat_share else 1
        repeated += times == 4
        body = urlencode({"email": address, "csrfmiddlewaretoken": csrf})
        lines.extend([f"POST\t/vote/{box.pk}/\t{body}"] * times)
        i += 1
    return lines, repeated


def card_post_lines(boxes: BenchBoxes, tokens: list[str], csrf: str, pesels: PeselSource,
                    dup_share: float, seed: str) -> tuple[list[str], int]:
    """One POST per token: a district project, a city-wide project, the declarations and a
    PESEL — fresh, except ``dup_share`` of the cards that repeat an earlier card's PESEL."""
    rng = random.Random(seed)
    lines, used, dups = [], [], 0
    for token in tokens:
        if used and rng.random() < dup_share:
            pesel = rng.choice(used)
            dups += 1
        else:
            pesel = pesels.next()
            used.append(pesel)
        data = {"g-district-options": rng.choice(boxes.district_options),
                f"p-{boxes.citywide_poll}-options": rng.choice(boxes.citywide_options),
                "declare_age": "on", "declare_resident": "on", "declare_true": "on",
                "declare_consent": "on", "pesel": pesel, "csrfmiddlewaretoken": csrf}
        lines.append(f"POST\t/vote/card/{token}/\t{urlencode(data)}")
    return lines, dups


class TokenPool:
    """Tokens read from the link e-mails Wotum stored, each handed out once."""

    def __init__(self, box: BallotBox):
        self.box, self.after_id, self.tokens = box, 0, []

    def harvest(self) -> int:
        rows = (OutboundEmail.objects.filter(kind="ballot_link", pk__gt=self.after_id)
                .order_by("pk").values_list("pk", "body_text", "context"))
        found = 0
        for pk, body, context in rows.iterator(chunk_size=2000):
            self.after_id = pk
            # Not yet sent: the worker renders the link from the row's context.
            match = TOKEN_RE.search(body or (context or {}).get("url", ""))
            if match:
                self.tokens.append(match.group(1))
                found += 1
        return found

    def top_up(self, wanted: int, base_url: str, tag: str) -> int:
        """Issue links in-process through ``ballot_link_request`` until ``wanted`` wait
        (two links per address: families share one)."""
        before, k = len(self.tokens), 0
        while len(self.tokens) < wanted:
            for _ in range(min(500, wanted - len(self.tokens))):
                ballot_link_request(box=self.box, email=f"t{tag}-{k // 2}@bench.invalid",
                                    base_url=base_url)
                k += 1
            self.harvest()
        return len(self.tokens) - before

    def give_back(self, tokens: list[str]) -> int:
        """Return the tokens a step did not reach (their links are still unused)."""
        by_digest = {token_digest(t): t for t in tokens}
        unused = []
        digests = list(by_digest)
        for i in range(0, len(digests), 5000):
            unused.extend(BallotLink.objects.filter(token_digest__in=digests[i:i + 5000],
                                                    state="issued")
                          .values_list("token_digest", flat=True))
        self.tokens = [by_digest[d] for d in unused] + self.tokens
        return len(unused)

    def take(self, n: int) -> list[str]:
        taken, self.tokens = self.tokens[:n], self.tokens[n:]
        return taken


def acknowledged_receipts(log_files: list[Path]) -> tuple[int, list[str]]:
    """Receipt codes behind the 302 responses wrk logged: from the signed receipt cookie,
    or through the session the thank-you redirect set (older versions of the view)."""
    logged, keys, receipts = 0, [], []
    for path in log_files:
        for line in path.read_text().splitlines() if path.exists() else []:
            logged += 1
            receipt, session = RECEIPT_RE.search(line), SESSION_RE.search(line)
            if receipt:
                receipts.append(receipt.group(1))
            elif session:
                keys.append(session.group(1))
            else:
                receipts.append("")
    for i in range(0, len(keys), 2000):
        for session in Session.objects.filter(session_key__in=keys[i:i + 2000]):
            receipts.append(session.get_decoded().get("ballot_receipt", ""))
    return logged, receipts


def _one(sql: str, params) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def invariants_check(box: BallotBox, receipts: list[str]) -> dict:
    """The rules that must hold after a load: all numbers named ``*_violations`` must be 0.

    One snapshot for all the queries, so that a card committed between two of them (a
    request wrk abandoned at its deadline) cannot look like a broken rule.
    """
    from audit.services import audit_chain

    # Cast rows are chained after commit: chain the rest first (it writes, the check reads).
    audit_chain(stream=f"box:{box.pk}")
    with transaction.atomic():
        if connection.vendor == "postgresql":  # SQLite's transaction is one snapshot anyway
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _invariants(box, receipts)


def _invariants(box: BallotBox, receipts: list[str]) -> dict:
    pk, cap = box.pk, box.cards_per_email
    links_over = _one("SELECT count(*) FROM (SELECT email_digest FROM ballots_ballotlink "
                      "WHERE box_id=%s GROUP BY 1 HAVING count(*) > %s) x", [pk, cap])[0]
    quota_mismatch = _one(
        "SELECT count(*) FROM ballots_emailquota q LEFT JOIN (SELECT email_digest, count(*) n "
        "FROM ballots_ballotlink WHERE box_id=%s GROUP BY 1) l USING (email_digest) "
        "WHERE q.box_id=%s AND (q.issued > %s OR q.issued <> coalesce(l.n, 0))", [pk, pk, cap])[0]
    pesel_twice = _one("SELECT count(*) FROM (SELECT pesel_digest FROM ballots_ballot "
                       "WHERE box_id=%s AND state IN ('cast','counted') AND pesel_digest <> '' "
                       "GROUP BY 1 HAVING count(*) > 1) x", [pk])[0]
    ballots, valid, invalid, distinct_pesels, from_links = _one(
        "SELECT count(*), count(*) FILTER (WHERE state='cast'), "
        "count(*) FILTER (WHERE state='invalid' AND invalid_reason='pesel_already_voted'), "
        "count(DISTINCT pesel_digest), count(link_id) FROM ballots_ballot WHERE box_id=%s", [pk])
    used_links, used_without_ballot = _one(
        "SELECT count(*), count(*) FILTER (WHERE b.id IS NULL) FROM ballots_ballotlink l "
        "LEFT JOIN ballots_ballot b ON b.link_id = l.id WHERE l.box_id=%s AND l.state='used'",
        [pk])
    ballot_on_unused = _one("SELECT count(*) FROM ballots_ballot b JOIN ballots_ballotlink l "
                            "ON l.id = b.link_id WHERE b.box_id=%s AND l.state <> 'used'", [pk])[0]
    audit_rows, audit_gaps = _one(
        "SELECT CAST(coalesce(sum(n), 0) AS bigint), "
        "count(*) FILTER (WHERE n <> top OR n <> head) FROM "
        "(SELECT r.stream, count(*) n, max(r.seq) top, max(h.seq) head FROM audit_auditrecord r "
        "JOIN audit_auditchainhead h ON h.stream = r.stream WHERE r.stream LIKE %s "
        "GROUP BY r.stream) s", [f"box:{pk}"])
    found = set()
    for i in range(0, len(receipts), 5000):
        found.update(Ballot.objects.filter(box=box, receipt_code__in=receipts[i:i + 5000])
                     .values_list("receipt_code", flat=True))
    return {
        "ballots": ballots, "valid": valid, "invalid_duplicate_pesel": invalid,
        "links_used": used_links, "acknowledged": len(receipts),
        "address_over_cap_violations": links_over + quota_mismatch,
        "pesel_twice_violations": pesel_twice,
        # Each PESEL digest: one valid card, the rest invalid with the reason.
        "pesel_accounting_violations": abs(invalid - (ballots - distinct_pesels))
        + abs(valid - distinct_pesels),
        "acknowledged_missing_violations": len(set(receipts) - found) + receipts.count(""),
        "link_state_violations": used_without_ballot + ballot_on_unused
        + abs(used_links - from_links),
        "audit_violations": abs(audit_rows - ballots) + audit_gaps,
    }


def email_ids_for_delivery() -> list[int]:
    return list(OutboundEmail.objects.filter(status="queued").order_by("pk")
                .values_list("pk", flat=True))


def email_delivery_rate(ids: list[int]) -> tuple[int, float | None]:
    sent = OutboundEmail.objects.filter(pk__in=ids, status="sent")
    times = sorted(sent.values_list("sent_at", flat=True))
    if len(times) < 2:
        return len(times), None
    span = (times[-1] - times[0]).total_seconds()
    return len(times), (len(times) - 1) / span if span > 0 else None

