"""Query filters of API lists (django-filter)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from exchanges.enums import ApplicationStatus, Country, NominationStatus
from exchanges.models import Application, Nomination

# The largest value a 64-bit id column holds; a larger id matches nothing.
MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An object id: any whole number is accepted, one beyond the id range matches nothing
    (instead of overflowing the database's integer)."""

    field_class = forms.IntegerField

    def filter(self, qs, value):
        if value is not None and not -MAX_ID <= value <= MAX_ID:
            return qs.none()
        return super().filter(qs, value)


class FilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names none of the list's filters: a plain
    page (the commonest request) then builds no filter set and validates no form."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class StrictFilterSet(django_filters.FilterSet):
    """A filter sent empty (``?status=``) is an error, as the schema says, not "no filter"."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and self.data.get(name) == "":
                self.form.add_error(name, forms.ValidationError(_("Send a value."), "required"))
                valid = False
        return valid


class ApplicationFilter(StrictFilterSet):
    cohort = IdFilter(field_name="cohort_id", help_text="Cohort id.")
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    country = django_filters.ChoiceFilter(choices=Country.choices)
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only applications changed at or after this instant (ISO 8601).",
    )

    class Meta:
        model = Application
        fields = ["cohort", "status", "country", "updated_since"]


class NominationFilter(StrictFilterSet):
    cohort = IdFilter(field_name="cohort_id", help_text="Cohort id.")
    status = django_filters.ChoiceFilter(choices=NominationStatus.choices)

    class Meta:
        model = Nomination
        fields = ["cohort", "status"]


class ParticipantFilter(StrictFilterSet):
    cohort = IdFilter(field_name="cohort_id", help_text="Cohort id.")

    class Meta:
        model = Application
        fields = ["cohort"]
