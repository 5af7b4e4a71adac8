"""Pre-departure validation: passport expiry against the program end, international phone
numbers, insurance cover, visa, dietary, arrival and itinerary rules, as the service applies
them (the forms call the same validators)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from exchanges.enums import ApplicationStatus, PredepartureSection, VisaStatus
from exchanges.models import PredepartureChecklist
from exchanges.services.predeparture import itinerary_item_save, predeparture_section_save
from exchanges.validators import add_months, normalise_international_phone
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


def errors_of(application, section, **values) -> dict:
    with pytest.raises(ValidationError) as caught:
        save(application, section, **values)
    return caught.value.message_dict


# --- passport ---------------------------------------------------------------------------------


def test_passport_expiring_before_six_months_after_the_program_is_refused(application):
    errors = errors_of(
        application,
        S.PASSPORT,
        passport_valid_until=dt.date(2031, 1, 25),
        passport_validity_confirmed=True,
    )

    assert errors == {
        "passport_valid_until": [
            "Your passport must be valid until at least Jan. 26, 2031, six months after the "
            "program ends on July 26, 2030. Please renew it before you travel."
        ]
    }
    assert PredepartureChecklist.objects.count() == 0


def test_passport_valid_exactly_six_months_after_the_program_is_accepted(application):
    checklist = save(
        application,
        S.PASSPORT,
        passport_valid_until=dt.date(2031, 1, 26),
        passport_validity_confirmed=True,
    )

    assert (checklist.passport_valid_until, checklist.section_is_complete(S.PASSPORT)) == (
        dt.date(2031, 1, 26),
        True,
    )


def test_passport_without_date_or_confirmation_says_what_is_missing(application):
    errors = errors_of(
        application, S.PASSPORT, passport_valid_until=None, passport_validity_confirmed=False
    )

    assert errors == {
        "passport_valid_until": ["Enter the date your passport expires."],
        "passport_validity_confirmed": [
            "Please confirm that your passport is valid for at "
            "least six months after the program ends."
        ],
    }


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2030, 8, 31), 6, dt.date(2031, 2, 28)),
        (dt.date(2031, 8, 31), 6, dt.date(2032, 2, 29)),
        (dt.date(2030, 7, 26), 6, dt.date(2031, 1, 26)),
        (dt.date(2030, 12, 15), 1, dt.date(2031, 1, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


# --- phone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+81 90-1234-5678", "+819012345678"),
        ("+82 10 1234 5678", "+821012345678"),
        ("+1 (202) 555-0123", "+12025550123"),
        ("0082 10-1234-5678", "+821012345678"),
        ("＋81 90 1234 5678", "+819012345678"),
    ],
)
def test_international_phone_numbers_are_stored_in_e164(typed, stored):
    assert normalise_international_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "010-1234-5678",
            "Enter the number in international format: + and the country code "
            "first, for example +81 90 1234 5678, +82 10 1234 5678, "
            "+1 202 555 0123.",
        ),
        (
            "+82 010 1234 5678",
            "Leave out the 0 after the country code +82, for example "
            "+82 10 1234 5678 instead of +82 010 1234 5678.",
        ),
        (
            "+1 555 0123 99",
            "A number with the country code +1 has ten digits after it, for "
            "example +1 202 555 0123.",
        ),
        (
            "+81 90 CALL ME",
            "This does not look like a phone number. Use only digits after the +, "
            "for example +81 90 1234 5678, +82 10 1234 5678, +1 202 555 0123.",
        ),
        (
            "",
            "Enter the number in international format: + and the country code first, for "
            "example +81 90 1234 5678, +82 10 1234 5678, +1 202 555 0123.",
        ),
    ],
)
def test_emergency_phone_must_be_international(application, typed, message):
    errors = errors_of(
        application,
        S.EMERGENCY_CONTACT,
        emergency_name="Kim Soyeon",
        emergency_relationship="Mother",
        emergency_phone=typed,
    )

    assert errors == {"emergency_phone": [message]}


def test_emergency_contact_is_saved_with_the_normalised_phone(application):
    checklist = save(
        application,
        S.EMERGENCY_CONTACT,
        emergency_name=" Kim Soyeon ",
        emergency_relationship="Mother",
        emergency_phone="+82 10-1234-5678",
    )

    assert (checklist.emergency_name, checklist.emergency_phone) == ("Kim Soyeon", "+821012345678")


# --- insurance -------------------------------------------------------------------------------

INSURANCE = {
    "insurance_confirmed": True,
    "insurance_provider": "Tokio Marine",
    "insurance_valid_from": dt.date(2030, 7, 1),
    "insurance_valid_until": dt.date(2030, 7, 31),
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"insurance_valid_from": dt.date(2030, 7, 7)},
            {
                "insurance_valid_from": [
                    "Your policy must cover the program from its first day, July 6, 2030."
                ]
            },
        ),
        (
            {"insurance_valid_until": dt.date(2030, 7, 25)},
            {
                "insurance_valid_until": [
                    "Your policy must cover the program until its last day, July 26, 2030."
                ]
            },
        ),
        (
            {"insurance_valid_until": dt.date(2030, 6, 30)},
            {"insurance_valid_until": ["The last day of cover must not be before the first day."]},
        ),
        (
            {"insurance_confirmed": False, "insurance_provider": " "},
            {
                "insurance_confirmed": [
                    "Please confirm that you have travel insurance for the program."
                ],
                "insurance_provider": ["Enter the name of your insurance company."],
            },
        ),
    ],
)
def test_insurance_must_cover_the_program_dates(application, change, expected):
    assert errors_of(application, S.INSURANCE, **{**INSURANCE, **change}) == expected


def test_insurance_covering_exactly_the_program_is_accepted(application):
    checklist = save(
        application,
        S.INSURANCE,
        **{
            **INSURANCE,
            "insurance_valid_from": dt.date(2030, 7, 6),
            "insurance_valid_until": dt.date(2030, 7, 26),
        },
    )

    assert checklist.section_is_complete(S.INSURANCE) is True


# --- visa, dietary, arrival ------------------------------------------------------------------


def test_visa_granted_needs_a_past_date(application):
    missing = errors_of(application, S.VISA, visa_status=VisaStatus.GRANTED, visa_granted_on=None)
    future = errors_of(
        application,
        S.VISA,
        visa_status=VisaStatus.GRANTED,
        visa_granted_on=timezone.localdate() + dt.timedelta(days=2),
    )
    no_status = errors_of(application, S.VISA, visa_status="", visa_granted_on=None)

    assert missing == {"visa_granted_on": ["Enter the date your visa was granted."]}
    assert future == {
        "visa_granted_on": ["The date your visa was granted cannot be in the future."]
    }
    assert no_status == {"visa_status": ["Choose the status of your visa."]}


def test_visa_date_is_dropped_unless_granted(application):
    save(application, S.VISA, visa_status=VisaStatus.GRANTED, visa_granted_on=dt.date(2026, 1, 5))

    checklist = save(
        application, S.VISA, visa_status=VisaStatus.APPLIED, visa_granted_on=dt.date(2026, 1, 5)
    )

    assert (checklist.visa_status, checklist.visa_granted_on) == (VisaStatus.APPLIED, None)
    assert checklist.section_is_complete(S.VISA) is False


def test_dietary_other_needs_a_description(application):
    errors = errors_of(application, S.DIETARY, dietary_needs=["other"], dietary_notes="")

    assert errors == {"dietary_notes": ["You chose “Other”: please describe what you cannot eat."]}


def test_dietary_needs_are_kept_in_list_order(application):
    checklist = save(
        application, S.DIETARY, dietary_needs=["nut_allergy", "halal"], dietary_notes=""
    )

    assert checklist.dietary_needs == ["halal", "nut_allergy"]


def test_arrival_must_be_near_the_program_and_dated(application):
    early = errors_of(
        application,
        S.ARRIVAL,
        arrival_on=dt.date(2030, 6, 21),
        arrival_time=None,
        arrival_transport="",
    )
    undated = errors_of(
        application, S.ARRIVAL, arrival_on=None, arrival_time=dt.time(14), arrival_transport="KE 17"
    )

    assert early == {
        "arrival_on": ["The day you arrive must be between June 22, 2030 and July 26, 2030."]
    }
    assert undated == {"arrival_on": ["Enter the day you arrive."]}


# --- itinerary -------------------------------------------------------------------------------


def test_itinerary_item_must_be_within_the_program_and_end_after_it_starts(cohort, secretariat):
    with pytest.raises(ValidationError) as caught:
        itinerary_item_save(
            cohort=cohort,
            actor=secretariat,
            day=dt.date(2030, 7, 27),
            start_time=dt.time(10),
            end_time=dt.time(9),
            title_en="Farewell",
        )

    assert caught.value.message_dict == {
        "day": ["The day must be within the program, from July 6, 2030 to July 26, 2030."],
        "end_time": ["The end time must be after the start time."],
    }
