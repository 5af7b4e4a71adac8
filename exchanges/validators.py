"""Validation shared by model ``clean``, forms and API serializers."""

import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Accept only IANA time zone names, such as ``Asia/Seoul``."""
    if value not in available_time_zones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone."), code="invalid_time_zone",
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
    import zipfile  # noqa: PLC0415 -- only needed for ZIP-looking uploads

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
    import filetype  # noqa: PLC0415 -- keeps this leaf module cheap to import

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
            code="file_too_large", params={"name": uploaded_file.name, "max": max_mb},
        )
    if uploaded_file.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="file_empty",
                              params={"name": uploaded_file.name})
    content_type = sniff_upload_content_type(uploaded_file)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, Word (DOCX), JPEG or PNG file. "
              "The file's content was checked, not its name."),
            code="file_type", params={"name": uploaded_file.name},
        )
    return content_type


def count_words(text: str) -> int:
    """Words separated by white space; Japanese text without spaces counts per character."""
    import re  # noqa: PLC0415 -- small helper, keeps the import list of the leaf module short

    cjk = re.findall(r"[\u3040-\u30ff\u3400-\u9fff]", text)
    rest = re.sub(r"[\u3040-\u30ff\u3400-\u9fff]", " ", text)
    return len(cjk) + len(rest.split())


# Bounds of the parameters staff may give a matching run (forms and services share them).
MATCHING_MAX_PER_COUNTRY = 10
MATCHING_MAX_TIME_LIMIT = 600
MATCHING_MAX_WEIGHT = 10
MATCHING_WEIGHT_NAMES = ("interests", "language", "sector", "age", "gender")


def validate_matching_parameters(parameters: dict) -> None:
    """Check ``per_country``, ``time_limit`` and ``weights`` of a matching run."""
    errors = []
    per_country = parameters.get("per_country")
    if not isinstance(per_country, int) or not 1 <= per_country <= MATCHING_MAX_PER_COUNTRY:
        errors.append(ValidationError(
            _("Members per country must be a whole number from 1 to %(max)s."),
            code="per_country", params={"max": MATCHING_MAX_PER_COUNTRY}))
    time_limit = parameters.get("time_limit")
    if not isinstance(time_limit, int | float) or not 1 <= time_limit <= MATCHING_MAX_TIME_LIMIT:
        errors.append(ValidationError(
            _("The time limit must be from 1 to %(max)s seconds."),
            code="time_limit", params={"max": MATCHING_MAX_TIME_LIMIT}))
    weights = parameters.get("weights") or {}
    for name in MATCHING_WEIGHT_NAMES:
        value = weights.get(name)
        if not isinstance(value, int | float) or not 0 <= value <= MATCHING_MAX_WEIGHT:
            errors.append(ValidationError(
                _("Each weight must be a number from 0 to %(max)s."),
                code="weight", params={"max": MATCHING_MAX_WEIGHT}))
            break
    if errors:
        raise ValidationError(errors)


def validate_mail_template_source(value: str) -> None:
    """Refuse email template text that does not compile, with the engine's own message.

    Staff-edited subjects and bodies are Django template source; checking them when saved means
    a template error shows in the form and its preview, never when an email is sent.
    """
    from django.template import Engine, Template, TemplateSyntaxError  # noqa: PLC0415 -- leaf

    try:
        Template(value, engine=Engine(autoescape=False))
    except TemplateSyntaxError as error:
        raise ValidationError(
            _("Template error: %(error)s"), code="template_syntax", params={"error": error}
        ) from error
