"""Query filters of API lists (django-filter)."""

import django_filters

from exchanges.enums import ApplicationStatus, Country, NominationStatus
from exchanges.models import Application, Nomination


class ApplicationFilter(django_filters.FilterSet):
    cohort = django_filters.NumberFilter(field_name="cohort_id", help_text="Cohort id.")
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


class NominationFilter(django_filters.FilterSet):
    cohort = django_filters.NumberFilter(field_name="cohort_id", help_text="Cohort id.")
    status = django_filters.ChoiceFilter(choices=NominationStatus.choices)

    class Meta:
        model = Nomination
        fields = ["cohort", "status"]


class ParticipantFilter(django_filters.FilterSet):
    cohort = django_filters.NumberFilter(field_name="cohort_id", help_text="Cohort id.")

    class Meta:
        model = Application
        fields = ["cohort"]
