"""Filters of the PB-12 lists: edition, district or city-wide pool, status, reviewer, title."""
import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from intake.models import Edition, Pool, Proposal
from organisations.roles import Role

from .models import ReviewDecision


class PoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, pool):
        # Districts repeat from year to year: name each with its edition.
        return f"{pool.name} ({pool.edition.name})"


class PoolFilter(django_filters.ModelChoiceFilter):
    field_class = PoolChoiceField


class ProposalFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(label=_("Title contains"), lookup_expr="icontains")
    edition = django_filters.ModelChoiceFilter(label=_("Edition"), queryset=Edition.objects.none())
    pool = PoolFilter(label=_("District or city-wide"), queryset=Pool.objects.none())
    state = django_filters.ChoiceFilter(label=_("Status"), choices=Proposal.State.choices,
                                        empty_label=_("any"))
    reviewer = django_filters.ModelChoiceFilter(label=_("Reviewer"), method="filter_reviewer",
                                                queryset=get_user_model().objects.none())

    class Meta:
        model = Proposal
        fields = ["title", "edition", "pool", "state", "reviewer"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        editions = Edition.objects.filter(organisation=organisation)
        self.filters["edition"].queryset = editions
        self.filters["pool"].queryset = Pool.objects.filter(
            edition__in=editions).select_related("edition").order_by("edition", "kind", "name")
        self.filters["reviewer"].queryset = get_user_model().objects.filter(
            memberships__organisation=organisation,
            memberships__role__in=[Role.FORMAL_REVIEWER, Role.MERIT_REVIEWER],
        ).distinct().order_by("last_name", "first_name", "email")
        for name in ("edition", "pool", "reviewer"):
            self.filters[name].extra["empty_label"] = _("any")

    def filter_reviewer(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(ReviewDecision.objects.filter(
            proposal=OuterRef("pk"), reviewer=value)))
