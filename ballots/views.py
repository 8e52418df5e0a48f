"""The voter's pages: request a link, fill in the card, check a receipt; staff enter paper."""
import re

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from .card import card_of
from .forms import BallotCardForm, LinkRequestForm
from .models import Ballot, BallotBox
from .option_pages import option_pages
from .participation import cards_by_day, day_chart
from .printing import blank_card_response
from .selectors import box_for_voters, receipt_lookup
from .services import (
    BallotRefused,
    ballot_cast,
    ballot_link_request,
    ballot_link_resolve,
    box_refusal,
    box_schedule,
)
from .statistics import box_statistics

RECEIPT_COOKIE = "ballot_receipt"
RECEIPT_COOKIE_AGE = 3600  # seconds the thank-you page can be reloaded
SENT_COOKIE = "ballot_link_sent_to"


def _signed_cookie(response, name: str, value: str):
    """A short-lived, signed, HttpOnly cookie: what the next page shows the same person,
    without a session row written for every voter."""
    response.set_signed_cookie(name, value, salt=name, max_age=RECEIPT_COOKIE_AGE,
                               httponly=True, samesite="Lax",
                               secure=settings.SESSION_COOKIE_SECURE)
    return response


@require_http_methods(["GET", "POST"])
def link_request(request, box_id):
    box = box_for_voters(box_id)
    if box is None:
        raise Http404
    form = LinkRequestForm(request.POST or None)
    refusal = box_refusal(box)
    if request.method == "POST" and not refusal and form.is_valid():
        if is_ratelimited(request, group="ballot-link", key="ip",
                          rate=settings.WOTUM_LINK_RATE, increment=True):
            form.add_error(None, _("Too many requests from this connection. Please try "
                                   "again in a few minutes."))
        else:
            try:
                # The host the voter used (checked against ALLOWED_HOSTS) makes the link.
                ballot_link_request(box=box, email=form.cleaned_data["email"],
                                    base_url=request.build_absolute_uri("/"))
            except BallotRefused as refused:
                form.add_error("email" if refused.code == "quota" else None, refused.message)
            else:
                return _signed_cookie(redirect("ballots:link_sent", box_id=box.pk),
                                      SENT_COOKIE, form.cleaned_data["email"].lower())
    return render(request, "ballots/link_request.html",
                  {"box": box, "form": form, "refusal": refusal,
                   "schedule": "" if refusal else box_schedule(box)})


def link_sent(request, box_id):
    box = get_object_or_404(BallotBox, pk=box_id)
    address = request.get_signed_cookie(SENT_COOKIE, default="", salt=SENT_COOKIE,
                                        max_age=RECEIPT_COOKIE_AGE)
    if not address:
        return redirect("ballots:link_request", box_id=box.pk)
    return render(request, "ballots/link_sent.html", {"box": box, "address": address})


@require_http_methods(["GET", "POST"])
def card(request, token):
    try:
        link = ballot_link_resolve(token)
    except BallotRefused as refused:
        return render(request, "ballots/refused.html", {"refusal": refused}, status=410
                      if refused.code in {"used", "expired", "closed"} else 404)
    box = link.box
    district = _district_chosen(request, box)
    form = BallotCardForm(request.POST or None, box=box, preferred_poll=district)
    reviewing = request.method == "POST" and request.POST.get("action") == "review"
    if reviewing:
        form.is_valid()  # the summary shows the problems to fix before sending, too
    elif request.method == "POST" and form.is_valid():
        try:
            ballot = ballot_cast(box=box, choices=form.choices, pesel=form.pesel_facts
                                 if box.pesel_required else None,
                                 channel=Ballot.Channel.EMAIL, link=link)
        except BallotRefused as refused:
            return render(request, "ballots/refused.html", {"refusal": refused}, status=410)
        # The thank-you page needs only the receipt code, which the voter is shown anyway.
        return _signed_cookie(redirect("ballots:thanks"), RECEIPT_COOKIE, ballot.receipt_code)
    response = render(request, "ballots/card.html", {
        "box": box, "form": form, "reviewing": reviewing, "pages": option_pages(box),
        "district": district, "schedule": box_schedule(box)})
    if district is not None and "district" in request.GET:
        # Remembered on this device for the next card (a family shares the address); not
        # HttpOnly, because card.js remembers a choice made without reloading the same way.
        response.set_cookie(_district_cookie(box), str(district), max_age=DISTRICT_COOKIE_AGE,
                            samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


DISTRICT_COOKIE_AGE = 60 * 24 * 3600
_POLL_ID = re.compile(r"[0-9]{1,18}")


def _district_cookie(box) -> str:
    return f"card_district_{box.pk}"


def _district_chosen(request, box) -> int | None:
    """The voter's district: chosen on this card (``?district=``) or remembered."""
    value = request.GET.get("district") or request.COOKIES.get(_district_cookie(box), "")
    if not _POLL_ID.fullmatch(value):
        return None
    districts = {poll.pk for section in card_of(box).sections if section.grouped
                 for poll in section.polls}
    return int(value) if int(value) in districts else None


def thanks(request):
    code = request.get_signed_cookie(RECEIPT_COOKIE, default="", salt=RECEIPT_COOKIE,
                                     max_age=RECEIPT_COOKIE_AGE)
    ballot = receipt_lookup(code)
    if ballot is None:
        raise Http404
    return render(request, "ballots/thanks.html", {"ballot": ballot, "box": ballot.box})


def receipt_check(request):
    code = request.GET.get("code", "")
    ballot = receipt_lookup(code) if code else None
    return render(request, "ballots/receipt_check.html",
                  {"code": code, "ballot": ballot, "checked": bool(code)})


def _staff_box(request, box_id, permission: str) -> BallotBox:
    """The box, if ``permission`` is held in its organisation; otherwise a 404, so that other
    organisations' boxes are not even acknowledged."""
    box = get_object_or_404(BallotBox.objects.select_related("organisation"), pk=box_id)
    if not request.user.has_perm(permission, box):
        raise Http404
    return box


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request, box_id):
    """Staff at a voting point type in paper cards, one after another (PB-19)."""
    box = _staff_box(request, box_id, "ballots.enter_paper_ballot")
    refusal = box_refusal(box)
    form = BallotCardForm(request.POST or None, box=box)
    if request.method == "POST" and not refusal and form.is_valid():
        ballot = ballot_cast(box=box, choices=form.choices,
                             pesel=form.pesel_facts if box.pesel_required else None,
                             channel=Ballot.Channel.PAPER, entered_by=request.user)
        if ballot.state == Ballot.State.CAST:
            flash.success(request, _("Card %(code)s recorded as valid.")
                          % {"code": ballot.receipt_code})
        else:
            flash.warning(request, _("Card %(code)s recorded as invalid: %(reason)s.")
                          % {"code": ballot.receipt_code,
                             "reason": ballot.get_invalid_reason_display()})
        return redirect("ballots:paper_entry", box_id=box.pk)
    return render(request, "ballots/paper_entry.html",
                  {"box": box, "form": form, "refusal": refusal})


def blank_card(request, box_id):
    """A blank card to print for voting points (PB-20)."""
    box = _staff_box(request, box_id, "ballots.enter_paper_ballot")
    return render(request, "ballots/blank_card.html",
                  {"box": box, "form": BallotCardForm(box=box)})


@login_required
def live_report(request, box_id):
    """Staff follow the vote as it happens (PB-22)."""
    box = _staff_box(request, box_id, "ballots.view_live_report")
    return render(request, "ballots/live_report.html",
                  {"box": box, "stats": box_statistics(box),
                   "chart": day_chart(cards_by_day(box))})


def blank_card_pdf(request, box_id):
    """The blank card as a PDF file to print in bulk (PB-20)."""
    box = _staff_box(request, box_id, "ballots.enter_paper_ballot")
    return blank_card_response(box)
