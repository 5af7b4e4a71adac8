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
from django.template import Engine, Template, TemplateSyntaxError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from exchanges.enums import ApiScope, DietaryNeed, VisaStatus, WebhookEvent
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


# Content types accepted for uploads, decided from the bytes, never from the name.
UPLOAD_CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
            _(
                "“%(name)s” is not a PDF, Word (DOCX), JPEG or PNG file. "
                "The file's content was checked, not its name."
            ),
            code="file_type",
            params={"name": uploaded_file.name},
        )

    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    refusal = inspect_upload(data, content_type)
    if refusal is not None:
        message = UPLOAD_REFUSALS.get(refusal.code, UPLOAD_REFUSALS["damaged"])
        raise ValidationError(
            message, code=f"file_{refusal.code}", params={"name": uploaded_file.name}
        )
    return content_type


# Why an upload of an accepted type was refused after its content was parsed
# (``exchanges.file_checks``); the codes are that module's.
UPLOAD_REFUSALS = {
    "type": _(
        "“%(name)s” is not a PDF, Word (DOCX), JPEG or PNG file. "
        "The file's content was checked, not its name."
    ),
    "damaged": _(
        "“%(name)s” is damaged or incomplete and cannot be opened. Please save it "
        "again and upload the new file."
    ),
    "appended": _(
        "“%(name)s” has other data hidden after the document. Please save it again "
        "as a plain PDF, DOCX, JPEG or PNG and upload the new file."
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


def validate_mail_template_source(value: str) -> None:
    """Refuse email template text that does not compile, with the engine's own message.

    Staff-edited subjects and bodies are Django template source; checking them when saved means
    a template error shows in the form and its preview, never when an email is sent.
    """
    try:
        Template(value, engine=Engine(autoescape=False))
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


def validate_no_control_characters(value: str) -> None:
    """Refuse text with control characters, so every text path stores what PostgreSQL and
    exports accept (forms' CharField refuses only NUL; answers saved from raw form data or
    autosave are checked here)."""
    if _CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _(
                "This text contains invisible control characters (for example a null byte); "
                "remove them and try again."
            ),
            code="control_characters",
        )


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
