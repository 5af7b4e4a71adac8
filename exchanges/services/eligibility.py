"""Eligibility rules of a cohort: age at a reference date, citizenship or residence, languages.

``eligibility_failures`` returns one translated sentence per failed rule, in the active
language, so the pre-check page and the submission refusal say exactly what fails.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from exchanges.enums import (
    LANGUAGE_LEVEL_ORDER,
    EligibilityBasis,
    Language,
    LanguageLevel,
    country_label,
)
from exchanges.validators import validate_birth_date

ADULT_AGE = 18


def birth_date_is_plausible(birth_date: dt.date) -> bool:
    try:
        validate_birth_date(birth_date)
    except ValidationError:
        return False
    return True


def age_on(*, birth_date: dt.date, on: dt.date) -> int:
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def eligibility_failures(
    *,
    cohort,
    birth_date: dt.date | None,
    citizenship: str,
    residence_country: str,
    languages: dict[str, str],
) -> list[str]:
    failures: list[str] = []
    reference = cohort.reference_date
    if cohort.min_age is not None or cohort.max_age is not None:
        if birth_date is None:
            failures.append(_("Your date of birth is needed to check the age limits."))
        elif not birth_date_is_plausible(birth_date):
            # Stored before dates were checked: no age is worked out from it.
            failures.append(_("Your date of birth is not valid. Please correct it."))
        else:
            age = age_on(birth_date=birth_date, on=reference)
            params = {
                "age": age,
                "date": date_format(reference, "DATE_FORMAT"),
                "min": cohort.min_age,
                "max": cohort.max_age,
            }
            if cohort.min_age is not None and age < cohort.min_age:
                failures.append(
                    _(
                        "Applicants must be at least %(min)s years old on %(date)s; "
                        "you will be %(age)s."
                    )
                    % params
                )
            if cohort.max_age is not None and age > cohort.max_age:
                failures.append(
                    _(
                        "Applicants must be at most %(max)s years old on %(date)s; "
                        "you will be %(age)s."
                    )
                    % params
                )
    allowed = cohort.allowed_countries
    names = ", ".join(country_label(code) for code in allowed)
    basis = cohort.eligibility_basis
    citizen_ok = citizenship in allowed
    resident_ok = residence_country in allowed
    if basis == EligibilityBasis.CITIZENSHIP and not citizen_ok:
        failures.append(
            _("Applicants must be citizens of one of: %(countries)s.") % {"countries": names}
        )
    elif basis == EligibilityBasis.RESIDENCE and not resident_ok:
        failures.append(_("Applicants must live in one of: %(countries)s.") % {"countries": names})
    elif basis == EligibilityBasis.EITHER and not (citizen_ok or resident_ok):
        failures.append(
            _("Applicants must be citizens or residents of one of: %(countries)s.")
            % {"countries": names}
        )
    level_labels = dict(LanguageLevel.choices)
    # Language.choices are self-names (日本語) for the switcher; reasons need names in the
    # reader's language.
    language_labels = {
        Language.EN: _("English"),
        Language.JA: _("Japanese"),
        Language.KO: _("Korean"),
    }
    # A malformed stored value (saved before the field was validated) requires nothing.
    requirements = cohort.language_requirements
    requirements = requirements if isinstance(requirements, dict) else {}
    for language, minimum in sorted(requirements.items()):
        declared = languages.get(language, LanguageLevel.NONE)
        if LANGUAGE_LEVEL_ORDER.get(declared, 0) < LANGUAGE_LEVEL_ORDER.get(minimum, 0):
            failures.append(
                _(
                    "This program requires %(language)s at level “%(level)s” or higher; "
                    "you declared “%(declared)s”."
                )
                % {
                    "language": language_labels.get(language, language),
                    "level": level_labels.get(minimum, minimum),
                    "declared": level_labels.get(declared, declared),
                }
            )
    return failures


def application_eligibility_failures(*, application) -> list[str]:
    return eligibility_failures(
        cohort=application.cohort,
        birth_date=application.birth_date,
        citizenship=application.citizenship,
        residence_country=application.residence_country,
        languages=application.languages or {},
    )


def application_needs_guardian_consent(*, application) -> bool:
    """True when the applicant will be under 18 on the program's first day."""
    if application.birth_date is None or not birth_date_is_plausible(application.birth_date):
        return False
    return age_on(birth_date=application.birth_date, on=application.cohort.starts_on) < ADULT_AGE


def country_for_quota(*, cohort, citizenship: str, residence_country: str) -> str:
    """The country an application counts against: by the cohort's eligibility basis."""
    allowed = cohort.allowed_countries
    if cohort.eligibility_basis == EligibilityBasis.RESIDENCE:
        return residence_country
    if cohort.eligibility_basis == EligibilityBasis.CITIZENSHIP:
        return citizenship
    return citizenship if citizenship in allowed else residence_country
