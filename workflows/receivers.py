"""Intake tells the world a proposal was submitted; the review follows it."""


def review_on_submit(sender, *, proposal, actor=None, **kwargs):
    from .services import review_follow_submission

    review_follow_submission(proposal=proposal, actor=actor)
