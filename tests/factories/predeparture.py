"""Factories for pre-departure: confirmed participants, checklists and itinerary items."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from exchanges.enums import ApplicationStatus, VisaStatus
from exchanges.models import ItineraryItem, PredepartureChecklist
from exchanges.validators import passport_valid_through
from tests.factories.applications import ApplicationFactory, CohortFactory


def complete_values(cohort) -> dict:
    """Checklist field values that complete every required section for ``cohort``."""
    return {
        "passport_valid_until": passport_valid_through(cohort.ends_on),
        "passport_validity_confirmed": True,
        "visa_status": VisaStatus.NOT_NEEDED,
        "insurance_confirmed": True,
        "insurance_provider": "Tokio Marine",
        "insurance_valid_from": cohort.starts_on - dt.timedelta(days=2),
        "insurance_valid_until": cohort.ends_on + dt.timedelta(days=2),
        "emergency_name": "Kim Soyeon",
        "emergency_relationship": "Mother",
        "emergency_phone": "+821012345678",
        "dietary_needs": [],
        "dietary_updated_at": cohort.opens_at,
    }


class ChecklistFactory(DjangoModelFactory):
    """An empty checklist of a confirmed participant."""

    class Meta:
        model = PredepartureChecklist

    application = factory.SubFactory(ApplicationFactory, status=ApplicationStatus.CONFIRMED)


class ItineraryItemFactory(DjangoModelFactory):
    class Meta:
        model = ItineraryItem

    cohort = factory.SubFactory(CohortFactory)
    day = factory.LazyAttribute(lambda o: o.cohort.starts_on)
    start_time = dt.time(9, 0)
    end_time = dt.time(10, 30)
    title_en = factory.Sequence(lambda n: f"Session {n}")
    title_ja = factory.Sequence(lambda n: f"セッション {n}")
    title_ko = factory.Sequence(lambda n: f"세션 {n}")
    place_en = "Seoul City Hall"
    place_ja = "ソウル市庁"
    place_ko = "서울시청"
