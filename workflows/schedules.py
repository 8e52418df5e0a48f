"""The participatory budget's timetable: corrections lapse, then editions move on their dates."""
from intake.models import Edition
from intake.services import edition_move

from .timetable import Step, timetable_register

# (phase, the date that ends it, the transition that follows)
EDITION_SCHEDULE = [
    (Edition.State.DRAFT, "intake_starts_at", "open_intake"),
    (Edition.State.INTAKE, "intake_ends_at", "start_review"),
    (Edition.State.REVIEW, "voting_starts_at", "open_voting"),
    (Edition.State.VOTING, "voting_ends_at", "close"),
]


def _edition_step(state, date_field, transition) -> Step:
    def due(now):
        return Edition.objects.filter(state=state, **{f"{date_field}__lte": now})

    def move(edition):
        return edition_move(edition=edition, transition=transition, actor=None)

    return Step(name=f"edition.{transition}", due=due, move=move)


def schedules_register() -> None:
    from .services import review_correction_lapse, review_corrections_due

    # Lapses first: a proposal whose correction lapsed no longer holds its edition back.
    timetable_register(Step(name="proposal.lapse", due=review_corrections_due,
                            move=lambda proposal: review_correction_lapse(proposal=proposal)))
    for row in EDITION_SCHEDULE:
        timetable_register(_edition_step(*row))
