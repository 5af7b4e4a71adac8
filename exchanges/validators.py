"""Validation shared by model ``clean``, forms and API serializers."""

import calendar
import datetime as dt
import ipaddress
import re
import socket
import zipfile
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import filetype
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template import (
    Engine,
    Library,
    Template,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.template.base import Lexer, TokenType, filter_re
from django.utils import formats, timezone
from django.utils.text import smart_split
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from exchanges.enums import (
    ApiScope,
    Country,
    DateRange,
    DietaryNeed,
    Language,
    LanguageLevel,
    QuestionKind,
    Sector,
    VisaStatus,
    WebhookEvent,
)
from exchanges.file_checks import inspect_upload


@lru_cache(maxsize=1)
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# The IANA areas whose zones are named after a place ("Asia/Seoul"). Everything else the
# database ships is a legacy alias or a technical entry ("US/Pacific", "ROK", "GMT+0",
# "Etc/GMT-9", "Factory", "localtime") that nobody should have to scroll past.
_GEOGRAPHIC_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


@lru_cache(maxsize=1)
def selectable_time_zones() -> frozenset[str]:
    """The zones people choose from: ``Area/Location`` names and ``UTC``. Stored values are
    still checked against every IANA name (``validate_time_zone``), so an account saved
    with an alias keeps working."""
    return frozenset(
        name
        for name in available_time_zones()
        if name.partition("/")[0] in _GEOGRAPHIC_AREAS and "/" in name
    ) | {"UTC"}


def validate_time_zone(value: str) -> None:
    """Accept only IANA time zone names, such as ``Asia/Seoul``."""
    if value not in available_time_zones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone."),
            code="invalid_time_zone",
            params={"value": value},
        )


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class UploadType:
    content_type: str
    extensions: tuple[str, ...]
    name: str


# The one definition of what an upload may be, decided from the bytes, never from the name.
# The accept attribute of every file input, the hints beside them and the refusal messages
# are all made from it, so a label can never promise fewer or more types than are accepted.
UPLOAD_TYPES = (
    UploadType("application/pdf", (".pdf",), "PDF"),
    UploadType(DOCX_CONTENT_TYPE, (".docx",), _("Word (DOCX)")),
    UploadType("image/jpeg", (".jpg", ".jpeg"), "JPEG"),
    UploadType("image/png", (".png",), "PNG"),
)
UPLOAD_CONTENT_TYPES = {kind.content_type: kind.extensions[0] for kind in UPLOAD_TYPES}
UPLOAD_ACCEPT = ",".join(ext for kind in UPLOAD_TYPES for ext in kind.extensions)


def upload_types_text() -> str:
    """The accepted types as a list in the active language: "PDF, Word (DOCX), JPEG or PNG"."""
    names = [str(kind.name) for kind in UPLOAD_TYPES]
    if len(names) == 1:
        return names[0]
    return str(_("%(items)s or %(last)s")) % {
        "items": str(pgettext_lazy("list separator", ", ")).join(names[:-1]),
        "last": names[-1],
    }


def upload_help_text(*, max_mb: int) -> str:
    """The hint beside a file input: the accepted types and the size limit."""
    return str(_("%(types)s, up to %(max)s MB.")) % {"types": upload_types_text(), "max": max_mb}


def _is_docx(head_file) -> bool:
    """A DOCX is a ZIP archive that contains ``word/document.xml``."""
    try:
        head_file.seek(0)
        with zipfile.ZipFile(head_file) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        head_file.seek(0)


def sniff_upload_content_type(uploaded_file) -> str | None:
    """The content type of an upload as its bytes say, or None if it is not an accepted type."""
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime == "application/pdf" and head.startswith(b"%PDF-"):
        return "application/pdf"
    if kind.mime in {"image/jpeg", "image/png"}:
        return kind.mime
    if kind.mime in {"application/zip", DOCX_CONTENT_TYPE} and _is_docx(uploaded_file):
        return DOCX_CONTENT_TYPE
    return None


def validate_upload(uploaded_file, *, max_mb: int) -> str:
    """Check size and type from content; return the sniffed content type."""
    if uploaded_file.size > max_mb * 1024 * 1024:
        raise ValidationError(
            _("“%(name)s” is larger than %(max)s MB. Please upload a smaller file."),
            code="file_too_large",
            params={"name": uploaded_file.name, "max": max_mb},
        )
    if uploaded_file.size == 0:
        raise ValidationError(
            _("“%(name)s” is empty."), code="file_empty", params={"name": uploaded_file.name}
        )
    content_type = sniff_upload_content_type(uploaded_file)
    if content_type is None:
        raise ValidationError(
            UPLOAD_REFUSALS["type"],
            code="file_type",
            params={"name": uploaded_file.name, "types": upload_types_text()},
        )

    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    refusal = inspect_upload(data, content_type)
    if refusal is not None:
        message = UPLOAD_REFUSALS.get(refusal.code, UPLOAD_REFUSALS["damaged"])
        raise ValidationError(
            message,
            code=f"file_{refusal.code}",
            params={"name": uploaded_file.name, "types": upload_types_text()},
        )
    return content_type


# Why an upload of an accepted type was refused after its content was parsed
# (``exchanges.file_checks``); the codes are that module's.
UPLOAD_REFUSALS = {
    "type": _("“%(name)s” is not a %(types)s file. The file's content was checked, not its name."),
    "damaged": _(
        "“%(name)s” is damaged or incomplete and cannot be opened. Please save it "
        "again and upload the new file."
    ),
    "appended": _(
        "“%(name)s” has other data hidden after the document. Please save it again "
        "as a plain %(types)s file and upload the new file."
    ),
    "active": _(
        "“%(name)s” contains active content (scripts, macros, embedded files or "
        "programs), which is not accepted. Please save it without them, for example "
        "by printing it to a new PDF."
    ),
    "encrypted": _("“%(name)s” is password-protected. Please upload a copy without a password."),
    "too_many_pixels": _(
        "“%(name)s” is an image too large to open (more than 40 megapixels). "
        "Please upload a smaller image."
    ),
    "too_large_unpacked": _(
        "“%(name)s” unpacks to far more data than a document holds. "
        "Please save it again and upload the new file."
    ),
    "malware": _("“%(name)s” was refused because it contains a known virus signature."),
}


def count_words(text: str) -> int:
    """Words separated by white space; Japanese text without spaces counts per character."""
    cjk = re.findall(r"[\u3040-\u30ff\u3400-\u9fff]", text)
    rest = re.sub(r"[\u3040-\u30ff\u3400-\u9fff]", " ", text)
    return len(cjk) + len(rest.split())


# --- Program and cohort settings ------------------------------------------------------------
# The JSON fields of ``Program`` and ``Cohort`` carry these validators, so ``full_clean`` (the
# admin, staff forms, services) refuses a wrong shape, an unknown code, a duplicate or a value out
# of range before the selection, eligibility or matching code reads it.

# The most seats a country quota, a waiting list or a sector target may hold.
MAX_SEATS = 10_000
# Ages an eligibility rule may name.
MIN_AGE_LIMIT = 1
MAX_AGE_LIMIT = 120
# Days an applicant may be given to accept an offer.
MAX_OFFER_RESPONSE_DAYS = 90


def _codes_list(value, *, allowed, code: str) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(
            _("Enter a list of codes, for example %(example)s."),
            code=f"{code}_not_a_list",
            params={"example": '["US", "JP", "KR"]' if code == "countries" else '["media"]'},
        )
    unknown = [item for item in value if item not in allowed]
    if unknown:
        raise ValidationError(
            _("Unknown codes: %(codes)s. Use %(allowed)s."),
            code=f"{code}_unknown",
            params={"codes": ", ".join(unknown), "allowed": ", ".join(allowed)},
        )
    duplicates = sorted({item for item in value if value.count(item) > 1})
    if duplicates:
        raise ValidationError(
            _("Each code may appear only once: %(codes)s."),
            code=f"{code}_duplicate",
            params={"codes": ", ".join(duplicates)},
        )


def validate_country_codes(value) -> None:
    """A list of distinct ``Country`` codes (``["US", "JP", "KR"]``), upper case."""
    _codes_list(value, allowed=Country.values, code="countries")


def validate_sectors(value) -> None:
    """A list of distinct ``Sector`` codes (``["media", "business"]``)."""
    _codes_list(value, allowed=Sector.values, code="sectors")


def validate_sector_targets(value) -> None:
    """``{sector: seats}``: known sectors, each a whole number from 0 to ``MAX_SEATS``."""
    if not isinstance(value, dict):
        raise ValidationError(
            _('Enter the targets as {"sector": seats}, for example {"media": 2}.'),
            code="sector_targets_not_a_mapping",
        )
    unknown = [key for key in value if key not in Sector.values]
    if unknown:
        raise ValidationError(
            _("Unknown codes: %(codes)s. Use %(allowed)s."),
            code="sector_targets_unknown",
            params={"codes": ", ".join(unknown), "allowed": ", ".join(Sector.values)},
        )
    for seats in value.values():
        if isinstance(seats, bool) or not isinstance(seats, int) or not 0 <= seats <= MAX_SEATS:
            raise ValidationError(
                _("Each sector target must be a whole number from 0 to %(max)s."),
                code="sector_targets_range",
                params={"max": MAX_SEATS},
            )


def validate_language_requirements(value) -> None:
    """``{language: minimum level}``: ``Language`` codes and ``LanguageLevel`` values."""
    if not isinstance(value, dict):
        raise ValidationError(
            _(
                'Enter the requirements as {"language": "level"}, for example '
                '{"en": "professional"}.'
            ),
            code="language_requirements_not_a_mapping",
        )
    unknown = [key for key in value if key not in Language.values]
    if unknown:
        raise ValidationError(
            _("Unknown codes: %(codes)s. Use %(allowed)s."),
            code="language_requirements_unknown",
            params={"codes": ", ".join(map(str, unknown)), "allowed": ", ".join(Language.values)},
        )
    if any(level not in LanguageLevel.values for level in value.values()):
        raise ValidationError(
            _("Each level must be one of %(levels)s."),
            code="language_requirements_level",
            params={"levels": ", ".join(LanguageLevel.values)},
        )


# Bounds of the parameters staff may give a matching run (forms and services share them).
MATCHING_MAX_PER_COUNTRY = 10
MATCHING_MAX_TIME_LIMIT = 600
MATCHING_MAX_WEIGHT = 10
MATCHING_WEIGHT_NAMES = ("interests", "language", "sector", "age", "gender")
# How an uneven cohort's leftovers are placed (exchanges.matching.leftovers).
MATCHING_LEFTOVER_RULES = ("extend", "partial")


def validate_matching_parameters(parameters: dict) -> None:
    """Check ``per_country``, ``time_limit`` and ``weights`` of a matching run."""
    errors = []
    per_country = parameters.get("per_country")
    if not isinstance(per_country, int) or not 1 <= per_country <= MATCHING_MAX_PER_COUNTRY:
        errors.append(
            ValidationError(
                _("Members per country must be a whole number from 1 to %(max)s."),
                code="per_country",
                params={"max": MATCHING_MAX_PER_COUNTRY},
            )
        )
    time_limit = parameters.get("time_limit")
    if not isinstance(time_limit, int | float) or not 1 <= time_limit <= MATCHING_MAX_TIME_LIMIT:
        errors.append(
            ValidationError(
                _("The time limit must be from 1 to %(max)s seconds."),
                code="time_limit",
                params={"max": MATCHING_MAX_TIME_LIMIT},
            )
        )
    if parameters.get("leftover", "extend") not in MATCHING_LEFTOVER_RULES:
        errors.append(
            ValidationError(_("Choose one of the rules for uneven countries."), code="leftover")
        )
    weights = parameters.get("weights") or {}
    for name in MATCHING_WEIGHT_NAMES:
        value = weights.get(name)
        if not isinstance(value, int | float) or not 0 <= value <= MATCHING_MAX_WEIGHT:
            errors.append(
                ValidationError(
                    _("Each weight must be a number from 0 to %(max)s."),
                    code="weight",
                    params={"max": MATCHING_MAX_WEIGHT},
                )
            )
            break
    if errors:
        raise ValidationError(errors)


# Staff-written email texts (template overrides and campaigns) run in a sandbox: only these tags
# and filters exist there. Every documented variable (``TEMPLATE_CONTEXT`` in
# ``exchanges/services/mail.py``) is a plain string or number, so the texts need conditions and
# a few text filters, never loops (nothing to loop over, and nested loops over strings multiply
# a message without bound), nor anything that reads files, other templates, settings or
# libraries (``include``, ``extends``, ``load``, ``ssi``, ``debug``, ``url``, ``csrf_token``...).
MAIL_TEMPLATE_TAGS = ("if", "comment")
MAIL_TEMPLATE_BLOCK_WORDS = frozenset({"if", "elif", "else", "endif", "comment", "endcomment"})
MAIL_TEMPLATE_FILTERS = (
    "capfirst",
    "default",
    "lower",
    "pluralize",
    "title",
    "truncatechars",
    "truncatewords",
    "upper",
)


def _mail_template_library() -> Library:
    library = Library()
    for name in MAIL_TEMPLATE_TAGS:
        library.tags[name] = defaulttags.register.tags[name]
    for name in MAIL_TEMPLATE_FILTERS:
        library.filters[name] = defaultfilters.register.filters[name]
    return library


class MailTemplateEngine(Engine):
    """The sandbox for staff-written email texts: no template directories or loaders, no
    libraries to load, and as built-ins only ``MAIL_TEMPLATE_TAGS`` and
    ``MAIL_TEMPLATE_FILTERS`` (Django's ``Engine`` otherwise always adds its default tags and
    filters, ``include`` and ``extends`` among them, whatever ``builtins`` says)."""

    default_builtins = []

    def __init__(self) -> None:
        super().__init__(autoescape=False, libraries={}, builtins=[], loaders=[])
        self.template_builtins = [_mail_template_library()]


@lru_cache(maxsize=1)
def mail_template_engine() -> MailTemplateEngine:
    return MailTemplateEngine()


def _mail_template_refusal(value: str) -> ValidationError | None:
    """The first tag or filter of ``value`` the sandbox does not offer, as a message."""
    for token in Lexer(value).tokenize():
        if token.token_type not in (TokenType.BLOCK, TokenType.VAR):
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name and name not in MAIL_TEMPLATE_BLOCK_WORDS:
                return ValidationError(
                    _(
                        "The tag “%(tag)s” is not allowed in email templates. Use variables, "
                        "conditions (%(tags)s) and the filters %(filters)s."
                    ),
                    code="template_forbidden_tag",
                    params=_sandbox_params(tag=name),
                )
        expressions = (
            smart_split(token.contents) if token.token_type == TokenType.BLOCK else [token.contents]
        )
        for name in (name for expression in expressions for name in _filter_names(expression)):
            if name not in MAIL_TEMPLATE_FILTERS:
                return ValidationError(
                    _(
                        "The filter “%(filter)s” is not allowed in email templates. Use one of "
                        "%(filters)s."
                    ),
                    code="template_forbidden_filter",
                    params=_sandbox_params(filter=name),
                )
    return None


def _filter_names(expression: str):
    """The filters of one variable expression, read as ``FilterExpression`` reads them (from
    the start, match after match), so a ``|`` inside a quoted string is not taken for one."""
    upto = 0
    for match in filter_re.finditer(expression):
        if match.start() != upto:
            return
        upto = match.end()
        if match.group("filter_name"):
            yield match.group("filter_name")


def _sandbox_params(**params) -> dict:
    return {
        **params,
        "tags": "if / elif / else / endif",
        "filters": ", ".join(MAIL_TEMPLATE_FILTERS),
    }


def validate_mail_template_source(value: str) -> None:
    """Refuse email template text that uses a tag or filter outside the sandbox (naming it), or
    does not compile (with the engine's own message).

    Staff-edited subjects and bodies are Django template source; checking them when saved means
    a template error shows in the form and its preview. Sending renders them in the same
    sandbox and falls back to the shipped template if one still fails (saved before a check).
    """
    refusal = _mail_template_refusal(value)
    if refusal is not None:
        raise refusal
    try:
        Template(value, engine=mail_template_engine())
    except TemplateSyntaxError as error:
        raise ValidationError(
            _("Template error: %(error)s"), code="template_syntax", params={"error": error}
        ) from error


# --- Pre-departure checklist -----------------------------------------------------------------
# Each ``validate_*_section`` takes the section's values (model field names) and the program
# dates and raises a ``ValidationError`` keyed by field, so a form shows each message next to
# its field and the service refuses the same values whatever calls it.

PASSPORT_MONTHS_AFTER_PROGRAM = 6
# Arrival details are accepted from this many days before the program's first day.
ARRIVAL_EARLIEST_DAYS = 14


def add_months(day, months: int):
    """``day`` moved by ``months`` calendar months, clamped to the month's last day (31 Aug + 6
    months is 28 or 29 Feb). The one date-arithmetic helper: passports and survey waves use it."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def passport_valid_through(ends_on):
    """The earliest passport expiry the program accepts: six months after its last day."""
    return add_months(ends_on, PASSPORT_MONTHS_AFTER_PROGRAM)


def _date_text(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


# The oldest age a date of birth may give: anything older is a typing mistake (0001-01-01).
BIRTH_DATE_MAX_AGE = 120


def validate_birth_date(value: dt.date, *, today: dt.date | None = None) -> None:
    """Refuse a date of birth in the future or more than ``BIRTH_DATE_MAX_AGE`` years ago.

    The program's own age range is an eligibility rule with its own reasons; this check only
    keeps impossible dates out, so no age below 0 or above 120 is ever computed or shown."""
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError(
            _("The date of birth cannot be in the future."), code="birth_date_future"
        )
    earliest = add_months(today, -12 * BIRTH_DATE_MAX_AGE)
    if value < earliest:
        raise ValidationError(
            _("Enter a date of birth on or after %(earliest)s."),
            code="birth_date_too_early",
            params={"earliest": _date_text(earliest)},
        )


# The widest range of a date answer: earlier or later dates are typing mistakes.
ANSWER_DATE_EARLIEST = dt.date(1900, 1, 1)
ANSWER_DATE_LATEST = dt.date(2099, 12, 31)


def answer_date_bounds(*, date_range: str, today: dt.date, ends_on: dt.date | None):
    """The first and last date an answer to a question with ``date_range`` may give."""
    if date_range == DateRange.PAST:
        return ANSWER_DATE_EARLIEST, today
    if date_range == DateRange.UPCOMING:
        return today, ends_on or ANSWER_DATE_LATEST
    return ANSWER_DATE_EARLIEST, ANSWER_DATE_LATEST


def validate_answer_date(
    value: dt.date, *, date_range: str, today: dt.date | None = None, ends_on: dt.date | None
) -> None:
    """Refuse a date answer outside its question's range; ``ends_on`` is the program's last
    day (an "available from" date after it cannot be meant)."""
    earliest, latest = answer_date_bounds(
        date_range=date_range, today=today or timezone.localdate(), ends_on=ends_on
    )
    if not earliest <= value <= latest:
        raise ValidationError(
            _("Enter a date from %(earliest)s to %(latest)s."),
            code="date_out_of_range",
            params={"earliest": _date_text(earliest), "latest": _date_text(latest)},
        )


# How a checkbox question names the partner organisations and the sharing of data with them,
# in the three languages of the form. Both must appear for a question to be that consent.
_PARTNER_WORDS = re.compile(
    r"\bpartner|パートナー|協力団体|提携団体|協力機関|협력\s*기관|협력\s*단체|파트너", re.IGNORECASE
)
_SHARING_WORDS = re.compile(
    r"\bshar(?:e|ed|es|ing)\b|\bdisclos|\btransfer|\bsee\b|\baccess|共有|提供|開示|閲覧|공유|제공|열람",
    re.IGNORECASE,
)


def is_partner_sharing_consent(*, kind: str, labels: list[str]) -> bool:
    """Whether a question asks for the consent to share data with partner organisations."""
    return kind == QuestionKind.CONSENT and any(
        _PARTNER_WORDS.search(label or "") and _SHARING_WORDS.search(label or "")
        for label in labels
    )


def validate_not_partner_sharing_consent(*, kind: str, labels: list[str]) -> None:
    """Refuse a form question that asks again for the consent to share with partners.

    That choice is asked once, optional, when the application starts, and stored as
    ``Application.shares_with_partners``, the only value partner access follows. A second
    checkbox (worse, a required one) would record a consent the system ignores and that
    contradicts the first."""
    if is_partner_sharing_consent(kind=kind, labels=labels):
        raise ValidationError(
            _(
                "Sharing with partner organisations is asked once, as an optional choice, when "
                "the applicant starts the application, and recorded with it. A form question "
                "cannot ask for it again."
            ),
            code="duplicate_partner_consent",
        )


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def validate_passport_section(values: dict, *, ends_on) -> None:
    errors = {}
    valid_until = values.get("passport_valid_until")
    required = passport_valid_through(ends_on)
    if not valid_until:
        errors["passport_valid_until"] = ValidationError(
            _("Enter the date your passport expires."), code="required"
        )
    elif valid_until < required:
        errors["passport_valid_until"] = ValidationError(
            _(
                "Your passport must be valid until at least %(date)s, six months after the "
                "program ends on %(end)s. Please renew it before you travel."
            ),
            code="passport_expires_too_soon",
            params={"date": _date_text(required), "end": _date_text(ends_on)},
        )
    if not values.get("passport_validity_confirmed"):
        errors["passport_validity_confirmed"] = ValidationError(
            _(
                "Please confirm that your passport is valid for at least six months after the "
                "program ends."
            ),
            code="required",
        )
    _raise_if(errors)


def validate_visa_section(values: dict, *, today) -> None:
    errors = {}
    status = values.get("visa_status")
    granted_on = values.get("visa_granted_on")
    if status not in VisaStatus.values:
        errors["visa_status"] = ValidationError(
            _("Choose the status of your visa."), code="required"
        )
    elif status == VisaStatus.GRANTED and not granted_on:
        errors["visa_granted_on"] = ValidationError(
            _("Enter the date your visa was granted."), code="required"
        )
    elif status == VisaStatus.GRANTED and granted_on > today:
        errors["visa_granted_on"] = ValidationError(
            _("The date your visa was granted cannot be in the future."), code="future"
        )
    _raise_if(errors)


def validate_insurance_section(values: dict, *, starts_on, ends_on) -> None:
    errors = {}
    if not values.get("insurance_confirmed"):
        errors["insurance_confirmed"] = ValidationError(
            _("Please confirm that you have travel insurance for the program."), code="required"
        )
    if not (values.get("insurance_provider") or "").strip():
        errors["insurance_provider"] = ValidationError(
            _("Enter the name of your insurance company."), code="required"
        )
    valid_from = values.get("insurance_valid_from")
    valid_until = values.get("insurance_valid_until")
    if not valid_from:
        errors["insurance_valid_from"] = ValidationError(
            _("Enter the first day your policy covers."), code="required"
        )
    elif valid_from > starts_on:
        errors["insurance_valid_from"] = ValidationError(
            _("Your policy must cover the program from its first day, %(date)s."),
            code="insurance_starts_late",
            params={"date": _date_text(starts_on)},
        )
    if not valid_until:
        errors["insurance_valid_until"] = ValidationError(
            _("Enter the last day your policy covers."), code="required"
        )
    elif valid_from and valid_until < valid_from:
        errors["insurance_valid_until"] = ValidationError(
            _("The last day of cover must not be before the first day."),
            code="insurance_dates_reversed",
        )
    elif valid_until < ends_on:
        errors["insurance_valid_until"] = ValidationError(
            _("Your policy must cover the program until its last day, %(date)s."),
            code="insurance_ends_early",
            params={"date": _date_text(ends_on)},
        )
    _raise_if(errors)


PHONE_SEPARATORS = " -.()\u3000"
PHONE_EXAMPLES = "+81 90 1234 5678, +82 10 1234 5678, +1 202 555 0123"
# Country codes whose national numbers begin with a trunk 0 that is dropped after the code.
_TRUNK_ZERO_CODES = ("81", "82", "44", "33", "49", "61", "86", "886")


def normalise_international_phone(value: str) -> str:
    """``value`` as ``+<country code><number>`` (E.164), or a ``ValidationError`` saying what
    to change: a national number without its country code, a trunk 0 kept after the code."""
    text = "".join(ch for ch in (value or "").strip() if ch not in PHONE_SEPARATORS)
    text = text.replace("\uff0b", "+")  # a full-width plus from a Japanese keyboard
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+"):
        raise ValidationError(
            _(
                "Enter the number in international format: + and the country code first, "
                "for example %(examples)s."
            ),
            code="phone_not_international",
            params={"examples": PHONE_EXAMPLES},
        )
    if not re.fullmatch(r"\+[1-9]\d{7,14}", text):
        raise ValidationError(
            _(
                "This does not look like a phone number. Use only digits after the +, "
                "for example %(examples)s."
            ),
            code="phone_invalid",
            params={"examples": PHONE_EXAMPLES},
        )
    digits = text[1:]
    for code in _TRUNK_ZERO_CODES:
        if digits.startswith(code + "0"):
            raise ValidationError(
                _(
                    "Leave out the 0 after the country code +%(code)s, for example "
                    "+82 10 1234 5678 instead of +82 010 1234 5678."
                ),
                code="phone_trunk_zero",
                params={"code": code},
            )
    if digits.startswith("1") and not re.fullmatch(r"1[2-9]\d{9}", digits):
        raise ValidationError(
            _(
                "A number with the country code +1 has ten digits after it, for example "
                "+1 202 555 0123."
            ),
            code="phone_invalid_nanp",
        )
    return text


def validate_emergency_contact_section(values: dict) -> None:
    errors = {}
    if not (values.get("emergency_name") or "").strip():
        errors["emergency_name"] = ValidationError(
            _("Enter the name of your emergency contact."), code="required"
        )
    if not (values.get("emergency_relationship") or "").strip():
        errors["emergency_relationship"] = ValidationError(
            _("Enter how this person is related to you, for example “mother” or “spouse”."),
            code="required",
        )
    try:
        normalise_international_phone(values.get("emergency_phone") or "")
    except ValidationError as error:
        errors["emergency_phone"] = error
    _raise_if(errors)


def validate_dietary_section(values: dict) -> None:
    needs = values.get("dietary_needs") or []
    errors = {}
    if any(need not in DietaryNeed.values for need in needs):
        errors["dietary_needs"] = ValidationError(
            _("Choose from the listed options."), code="invalid_choice"
        )
    elif DietaryNeed.OTHER in needs and not (values.get("dietary_notes") or "").strip():
        errors["dietary_notes"] = ValidationError(
            _("You chose “Other”: please describe what you cannot eat."), code="required"
        )
    _raise_if(errors)


def validate_arrival_section(values: dict, *, starts_on, ends_on) -> None:
    errors = {}
    arrival_on = values.get("arrival_on")
    earliest = starts_on - dt.timedelta(days=ARRIVAL_EARLIEST_DAYS)
    if not arrival_on and (
        values.get("arrival_time") or (values.get("arrival_transport") or "").strip()
    ):
        errors["arrival_on"] = ValidationError(_("Enter the day you arrive."), code="required")
    elif arrival_on and not earliest <= arrival_on <= ends_on:
        errors["arrival_on"] = ValidationError(
            _("The day you arrive must be between %(earliest)s and %(latest)s."),
            code="arrival_out_of_range",
            params={"earliest": _date_text(earliest), "latest": _date_text(ends_on)},
        )
    _raise_if(errors)


def validate_itinerary_item(values: dict, *, starts_on, ends_on) -> None:
    errors = {}
    day = values.get("day")
    if day and not starts_on <= day <= ends_on:
        errors["day"] = ValidationError(
            _("The day must be within the program, from %(start)s to %(end)s."),
            code="day_out_of_range",
            params={"start": _date_text(starts_on), "end": _date_text(ends_on)},
        )
    start, end = values.get("start_time"), values.get("end_time")
    if start and end and end <= start:
        errors["end_time"] = ValidationError(
            _("The end time must be after the start time."), code="end_before_start"
        )
    map_url = values.get("map_url") or ""
    if map_url and not map_url.lower().startswith(("https://", "http://")):
        # A map link is opened by every participant: no javascript:, data: or ftp: links.
        errors["map_url"] = ValidationError(
            _("Enter a web address that starts with https://, for example a map service link."),
            code="map_url_scheme",
        )
    _raise_if(errors)


# Control characters no typed answer contains: NUL (which PostgreSQL cannot store in text or
# JSON) and the C0 controls other than tab, line feed and carriage return, plus DEL.
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"  # a regex character range
_CONTROL_CHARACTERS = re.compile(f"[{CONTROL_CHARACTERS}]")
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): invisible,
# they reorder the text around them, so "\u202egnp.exe" reads as "exe.png" in an email or a
# staff page ("Trojan Source"). Nobody types them; the marks LRM and RLM, which only hint a
# direction, stay allowed. A regex character range, written with escapes that Python's and
# ECMA-262's engines read alike (the API schema's pattern is built from it).
BIDI_CONTROL_CHARACTERS = r"\u202a-\u202e\u2066-\u2069"
_BIDI_CONTROL_CHARACTERS = re.compile(f"[{BIDI_CONTROL_CHARACTERS}]")
# Invisible characters a name never needs: zero-width space, word joiner and the invisible
# operators. Zero-width (non-)joiners stay allowed: some scripts and emoji need them.
INVISIBLE_CHARACTERS = r"\u200b\u2060-\u2064"
_INVISIBLE_CHARACTERS = re.compile(f"[{INVISIBLE_CHARACTERS}]")


def validate_no_control_characters(value: str) -> None:
    """Refuse text with control characters or bidirectional controls, so every text path
    stores what PostgreSQL and exports accept and shows text in the order it was typed (forms'
    CharField refuses only NUL; answers saved from raw form data or autosave are checked
    here)."""
    if _CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _(
                "This text contains invisible control characters (for example a null byte); "
                "remove them and try again."
            ),
            code="control_characters",
        )
    if _BIDI_CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _(
                "This text contains invisible characters that change the direction of the "
                "text around them (for example U+202E RIGHT-TO-LEFT OVERRIDE); remove them "
                "and try again."
            ),
            code="bidi_control_characters",
        )


def validate_person_name(value: str) -> None:
    """A person's name: no control characters, no bidirectional controls, and no invisible
    characters (zero-width space, word joiner), which would make two names that look alike
    differ or hide part of a name in an email."""
    validate_no_control_characters(value)
    if _INVISIBLE_CHARACTERS.search(value):
        raise ValidationError(
            _(
                "This name contains invisible characters (for example a zero-width space); "
                "remove them and try again."
            ),
            code="invisible_characters",
        )


def validate_deliverable_email(value: str) -> None:
    """An address mail can be delivered to from the internet: its domain is a name with a dot
    (``example.org``), not a bare host such as ``localhost`` or an address literal such as
    ``[127.0.0.1]``, which Django's ``EmailValidator`` allows. Runs beside that validator
    and leaves an address it refuses to it, so one message names one problem."""
    try:
        validate_email(value)
    except ValidationError:
        return
    domain = value.rpartition("@")[2]
    labels = domain.rstrip(".").split(".")
    if domain.startswith("[") or len(labels) < 2 or not all(labels) or labels[-1].isdigit():
        raise ValidationError(
            _("Enter an email address with a full domain name, for example name@example.org."),
            code="invalid_email_domain",
        )


def validate_url_shape(value: str) -> None:
    """An absolute URL with a host, such as ``https://hooks.example.org/trilink``: a scheme,
    ``//``, a host name, an optional port from 1 to 65535, and no white space or control
    characters. Whether the scheme and the host are acceptable is checked apart (for a webhook
    receiver, ``webhook_target``), since that is policy and, for a host, a fact of the moment."""
    invalid = ValidationError(
        _("Enter a full URL such as https://hooks.example.org/trilink."), code="invalid"
    )
    if re.search(r"[\s\x00-\x1f\x7f]", value) or _BIDI_CONTROL_CHARACTERS.search(value):
        raise invalid
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        raise invalid from error
    if (
        not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)
        or not value[len(parts.scheme) + 1 :].startswith("//")
        or not parts.hostname
        or port == 0
    ):
        raise invalid


def validate_api_scopes(scopes) -> None:
    """A partner key's scopes: a list drawn from ``ApiScope`` (shared by admin, services and
    the model), never anything else."""
    if not isinstance(scopes, list | tuple) or not all(isinstance(s, str) for s in scopes):
        raise ValidationError(_("Choose the scopes from the list."), code="invalid_scopes")
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise ValidationError(
            _("Unknown scopes: %(scopes)s. Choose the scopes from the list."),
            code="unknown_scopes",
            params={"scopes": ", ".join(unknown)},
        )


def validate_webhook_events(events) -> None:
    """A subscription's events: a non-empty list drawn from ``WebhookEvent``."""
    if not isinstance(events, list | tuple) or not all(isinstance(e, str) for e in events):
        raise ValidationError(_("Choose the events from the list."), code="invalid_events")
    if not events:
        raise ValidationError(_("Choose at least one event."), code="no_events")
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if unknown:
        raise ValidationError(
            _("Unknown events: %(events)s. Choose the events from the list."),
            code="unknown_events",
            params={"events": ", ".join(unknown)},
        )


@dataclass(frozen=True)
class WebhookTarget:
    """Where a webhook request goes: the checked address to connect to, and the host name
    for the Host header and the TLS certificate."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one leads to through 6to4, Teredo or NAT64, if any."""
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None and not _is_public(embedded):
            return False
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        addresses.append(address)
    return addresses


def webhook_target(url: str, *, allow_loopback: bool) -> WebhookTarget:
    """Check a webhook receiver URL against server-side request forgery and return where to
    connect. Raises ``ValidationError`` unless the URL is https (http only for a loopback
    receiver when ``allow_loopback``), has no credentials, and its host resolves only to
    public addresses (loopback too when ``allow_loopback``): never private, loopback,
    link-local, shared, multicast or reserved ones. The caller connects to the returned
    address, so a name that resolves differently a moment later is not followed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValidationError(_("Enter a valid URL."), code="invalid_url") from error
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(
            _("The receiver URL must start with https:// and name a host."), code="webhook_scheme"
        )
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            _("The receiver URL must not contain a user name or password."),
            code="webhook_credentials",
        )
    host = parts.hostname
    port = port or (443 if scheme == "https" else 80)
    addresses = _resolve(host, port)
    if not addresses:
        raise ValidationError(
            _("The receiver's host name %(host)s cannot be resolved."),
            code="webhook_unresolvable",
            params={"host": host},
        )
    for address in addresses:
        if _is_public(address) or (allow_loopback and address.is_loopback):
            continue
        raise ValidationError(
            _(
                "The receiver's host %(host)s resolves to a private, loopback, link-local or "
                "reserved address; webhooks go only to public addresses."
            ),
            code="webhook_private_address",
            params={"host": host},
        )
    if scheme != "https" and not (allow_loopback and all(a.is_loopback for a in addresses)):
        raise ValidationError(
            _("The receiver URL must start with https:// and name a host."), code="webhook_scheme"
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return WebhookTarget(scheme=scheme, host=host, port=port, path=path, address=str(addresses[0]))


# How far ahead a review round's due date may be: later is a typing mistake (2062 for 2026).
REVIEW_DUE_MAX_AHEAD = dt.timedelta(days=731)


def validate_review_due_at(
    value: dt.datetime, *, earliest: dt.datetime, now: dt.datetime | None = None
) -> None:
    """Refuse a review round's due date before ``earliest`` (now for a round about to start,
    the round's start for a running one) or more than about two years from now."""
    now = now or timezone.now()
    if value < earliest:
        if earliest >= now - dt.timedelta(minutes=1):
            raise ValidationError(
                _("The reviews cannot be due in the past."), code="review_due_past"
            )
        raise ValidationError(
            _("The reviews cannot be due before the round started (%(started)s)."),
            code="review_due_before_start",
            params={"started": _date_text(timezone.localtime(earliest))},
        )
    if value > now + REVIEW_DUE_MAX_AHEAD:
        raise ValidationError(
            _("The reviews must be due within two years (by %(latest)s)."),
            code="review_due_too_late",
            params={"latest": _date_text(timezone.localtime(now + REVIEW_DUE_MAX_AHEAD))},
        )
