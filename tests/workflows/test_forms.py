"""The merit decision form takes money the way the proposal form does (PB-11)."""
from decimal import Decimal

import pytest

from workflows.forms import MeritDecisionForm


@pytest.mark.parametrize("typed", ["175 000,00", "175000", "175 000 zł", "175000.00",
                                   "175.000,00"])
def test_verified_cost_accepts_the_proposal_forms_money_formats(typed):
    form = MeritDecisionForm(data={"outcome": "accepted", "verified_cost": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["verified_cost"] == Decimal("175000.00")


def test_a_wrong_verified_cost_is_explained_in_polish():
    form = MeritDecisionForm(data={"outcome": "accepted", "verified_cost": "dużo"})
    assert not form.is_valid()
    assert "nie jest kwotą" in form.errors["verified_cost"][0]
