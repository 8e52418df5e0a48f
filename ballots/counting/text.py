"""The sentences that explain decisions, kept in one place so they can be translated.

Every template is an English string with named placeholders. Callers may pass a
``translate`` callable (``django.utils.translation.gettext`` or any ``str -> str``); it
receives the template and returns the translated template, which is then filled in.
The placeholders are filled with already formatted numbers, so a translation can
reorder them freely.
"""

from __future__ import annotations

from collections.abc import Callable

from .numbers import Number, format_number

Translate = Callable[[str], str]


def identity(message: str) -> str:
    """Return the message untranslated (the default)."""
    return message


class Sentence(str):
    """A filled-in sentence that remembers its template and values.

    Stored results keep ``template`` and ``values`` beside the text, so that a page or a
    file can say the same thing again in its reader's language.
    """

    template: str
    values: dict[str, str]


def render(template: str, translate: Translate | None = None, **values: object) -> Sentence:
    """Translate ``template`` and fill it in; numbers are formatted with ``format_number``."""
    translate = translate or identity
    filled = {
        key: format_number(value) if isinstance(value, Number) else str(value)
        for key, value in values.items()
    }
    sentence = Sentence(translate(template).format(**filled))
    sentence.template = template
    sentence.values = filled
    return sentence


def again(template: str, values: dict[str, str], translate: Translate | None = None) -> str:
    """Say a stored sentence again, in the language ``translate`` gives."""
    return (translate or identity)(template).format(**values)


# Majority rules and quorum.
ADOPTED = "adopted: {reason}"
NOT_ADOPTED = "not adopted: {reason}"
NO_VOTES = "no votes cast"
SIMPLE_MET = "{for_} for > {against} against"
SIMPLE_NOT_MET = "{for_} for, not more than {against} against"
ABSOLUTE_MET = "{for_} for > {against} against + {abstain} abstaining"
ABSOLUTE_NOT_MET = "{for_} for, not more than {against} against + {abstain} abstaining"
MEMBERS_MET = "{for_} for > half of the statutory {members} ({needed} needed)"
MEMBERS_NOT_MET = "{for_} for, not more than half of the statutory {members} ({needed} needed)"
QUALIFIED_MET = "{for_} for ≥ {share} of {cast} cast ({needed} needed)"
QUALIFIED_NOT_MET = "{for_} for < {share} of {cast} cast ({needed} needed)"
BY_WEIGHT = "{sentence} (by weight)"
QUORUM_MET = "quorum {present} of {statutory} present"
QUORUM_NOT_MET = "no quorum: {present} of {statutory} present, {needed} needed"
WITH_QUORUM = "{decision}; {quorum}"
WITHOUT_QUORUM = "{quorum} (votes: {for_} for, {against} against, {abstain} abstaining)"

# Budget selection.
SELECTED = "selected"
SELECTED_FITS = "selected: fits, {left} left after it"
DOES_NOT_FIT = "does not fit: {left} left"
BELOW_THRESHOLD = "below threshold: {score} < {threshold}"
STOPPED_HERE = "does not fit: {left} left; counting stops here (no-skip rule)"
NOT_CONSIDERED = "not considered: counting stopped at {project}"
MES_SELECTED = "selected by equal shares in round {round}: each supporter pays up to {price}"
MES_UNAFFORDABLE = "not selected: its supporters have {money} left, it costs {cost}"
NO_SUPPORTERS = "not selected: no supporters"
ZERO_COST = "not selected by equal shares: a project that costs nothing gives no cost utility"
COMPLETION_SELECTED = "selected by greedy completion: fits, {left} left after it"
ALREADY_SELECTED = "selected by equal shares before the greedy completion"
