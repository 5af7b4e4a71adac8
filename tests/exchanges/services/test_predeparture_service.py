"""Pre-departure services: one checklist per application, completeness, what the activity log
keeps (never the content), when the checklist closes, and the itinerary."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from exchanges.enums import ApplicationStatus, PredepartureSection, VisaStatus
from exchanges.exceptions import ExchangeError
from exchanges.models import ActivityLog, ItineraryItem, PredepartureChecklist
from exchanges.services.predeparture import (
    itinerary_item_delete,
    itinerary_item_save,
    predeparture_missing_sections,
    predeparture_section_save,
    predeparture_sections_text,
)
from exchanges.validators import passport_valid_through
from tests.factories.applications import ApplicationFactory, CohortFactory

pytestmark = pytest.mark.django_db

S = PredepartureSection


@pytest.fixture
def cohort(db):
    return CohortFactory(starts_on=dt.date(2030, 7, 6), ends_on=dt.date(2030, 7, 26))


@pytest.fixture
def application(cohort):
    return ApplicationFactory(cohort=cohort, status=ApplicationStatus.CONFIRMED)


def save(application, section, **values):
    return predeparture_section_save(
        application=application, section=section, values=values, actor=application.applicant
    )


def complete_all(application):
    cohort = application.cohort
    save(
        application,
        S.PASSPORT,
        passport_valid_until=passport_valid_through(cohort.ends_on),
        passport_validity_confirmed=True,
    )
    save(application, S.VISA, visa_status=VisaStatus.NOT_NEEDED)
    save(
        application,
        S.INSURANCE,
        insurance_confirmed=True,
        insurance_provider="AIG",
        insurance_valid_from=cohort.starts_on,
        insurance_valid_until=cohort.ends_on,
    )
    save(
        application,
        S.EMERGENCY_CONTACT,
        emergency_name="Kim Soyeon",
        emergency_relationship="Mother",
        emergency_phone="+82 10 1234 5678",
    )
    return save(application, S.DIETARY, dietary_needs=[], dietary_notes="")


def test_sections_saved_one_by_one_share_one_checklist(application):
    first = save(application, S.MEDICAL, medical_notes="Asthma; carries an inhaler.")
    second = save(application, S.VISA, visa_status=VisaStatus.TO_APPLY)

    assert first.pk == second.pk
    assert PredepartureChecklist.objects.filter(application=application).count() == 1


def test_a_second_checklist_for_the_same_application_is_refused_by_the_database(application):
    PredepartureChecklist.objects.create(application=application)

    with pytest.raises(IntegrityError), transaction.atomic():
        PredepartureChecklist.objects.create(application=application)


def test_checklist_is_complete_when_every_required_section_is(application):
    before = predeparture_missing_sections(None)

    checklist = complete_all(application)

    assert before == ["passport", "visa", "insurance", "emergency_contact", "dietary"]
    assert checklist.missing_sections == []
    assert checklist.completed_at is not None
    assert (checklist.section_is_complete(S.MEDICAL), checklist.section_is_complete(S.ARRIVAL)) == (
        False,
        False,
    )


def test_an_unsettled_visa_makes_a_complete_checklist_incomplete_again(application):
    complete_all(application)

    checklist = save(application, S.VISA, visa_status=VisaStatus.APPLIED)

    assert checklist.missing_sections == ["visa"]
    assert checklist.completed_at is None


def test_complete_since_is_kept_when_an_optional_section_changes_later(application):
    completed_at = complete_all(application).completed_at

    checklist = save(
        application,
        S.ARRIVAL,
        arrival_on=dt.date(2030, 7, 5),
        arrival_time=dt.time(14, 30),
        arrival_transport="KE 17",
    )

    assert checklist.completed_at == completed_at
    assert checklist.section_is_complete(S.ARRIVAL) is True


def test_activity_log_names_the_section_never_its_content(application):
    save(application, S.MEDICAL, medical_notes="Severe peanut allergy; EpiPen in bag.")
    save(application, S.DIETARY, dietary_needs=["nut_allergy"], dietary_notes="Peanuts")

    entries = list(
        ActivityLog.objects.filter(action_type__startswith="exchanges.predeparture")
        .order_by("id")
        .values_list("actor_id", "action_type", "data")
    )

    assert entries == [
        (
            application.applicant_id,
            "exchanges.predeparture.section_saved",
            {"section": "medical", "section_complete": True, "checklist_complete": False},
        ),
        (
            application.applicant_id,
            "exchanges.predeparture.section_saved",
            {"section": "dietary", "section_complete": True, "checklist_complete": False},
        ),
    ]


@pytest.mark.parametrize(
    "status", [ApplicationStatus.ACCEPTED, ApplicationStatus.WITHDRAWN, ApplicationStatus.ALUMNUS]
)
def test_only_confirmed_participants_have_a_checklist(cohort, status):
    application = ApplicationFactory(cohort=cohort, status=status)

    with pytest.raises(ExchangeError) as caught:
        save(application, S.MEDICAL, medical_notes="")

    assert str(caught.value.message) == "This checklist can no longer be changed."
    assert PredepartureChecklist.objects.count() == 0


def test_the_checklist_closes_when_the_program_has_ended():
    past = CohortFactory(starts_on=dt.date(2024, 7, 6), ends_on=dt.date(2024, 7, 26))
    application = ApplicationFactory(cohort=past, status=ApplicationStatus.PARTICIPANT)

    with pytest.raises(ExchangeError):
        save(application, S.MEDICAL, medical_notes="")


def test_missing_sections_read_as_a_list_in_the_language(application):
    assert predeparture_sections_text(["visa", "insurance", "dietary"]) == (
        "Visa, Travel insurance, Dietary needs"
    )


def test_itinerary_items_are_created_changed_and_deleted_with_a_log(cohort, secretariat):
    item = itinerary_item_save(
        cohort=cohort,
        actor=secretariat,
        day=dt.date(2030, 7, 6),
        start_time=dt.time(9),
        end_time=dt.time(10, 30),
        title_en=" Welcome ",
        title_ja="歓迎会",
        title_ko="환영회",
        place_en="City Hall",
        place_ja="",
        place_ko="",
        notes="",
    )
    itinerary_item_save(
        cohort=cohort, actor=secretariat, item=item, start_time=dt.time(9, 30), end_time=dt.time(11)
    )
    item.refresh_from_db()
    snapshot = (item.title_en, item.start_time, item.end_time)
    itinerary_item_delete(item=item, actor=secretariat)

    assert snapshot == ("Welcome", dt.time(9, 30), dt.time(11))
    assert ItineraryItem.objects.count() == 0
    assert list(
        ActivityLog.objects.filter(action_type__startswith="exchanges.itinerary_item")
        .order_by("id")
        .values_list("action_type", flat=True)
    ) == [
        "exchanges.itinerary_item.created",
        "exchanges.itinerary_item.changed",
        "exchanges.itinerary_item.deleted",
    ]


def test_itinerary_item_of_another_cohort_is_refused(cohort, secretariat):
    other = CohortFactory(starts_on=dt.date(2030, 7, 6), ends_on=dt.date(2030, 7, 26))
    item = itinerary_item_save(
        cohort=other,
        actor=secretariat,
        day=dt.date(2030, 7, 6),
        start_time=dt.time(9),
        title_en="Welcome",
    )

    with pytest.raises(ExchangeError):
        itinerary_item_save(cohort=cohort, actor=secretariat, item=item, title_en="Moved")
