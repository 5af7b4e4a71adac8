"""``Idempotency-Key`` on POST: a repeat gets the first answer, byte for byte.

The record is committed before the work starts, so a concurrent repeat sees it and is told
409; the work and the stored answer commit together, so an answer is stored exactly when
its change is. A request that fails with an error stores nothing (its transaction rolled
back): the client may retry it with the same key.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from api.exceptions import IdempotencyConflict, IdempotencyKeyReused
from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.get_full_path().encode() + b"\0")
    # The parsed body, canonically: the raw stream was consumed by the size-limited parser.
    digest.update(json.dumps(request.data, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(*, api_key, key: str, fingerprint: str) -> IdempotencyRecord | HttpResponse:
    """The new record for this request, or the stored answer to replay. Raises 409 while
    the first request runs or when the same key came with a different request."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    # An expired record that the cleanup has not reached yet counts as gone.
    IdempotencyRecord.objects.filter(
        api_key=api_key, idempotency_key=key, created_at__lt=cutoff
    ).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                api_key=api_key, idempotency_key=key, fingerprint=fingerprint
            )
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(api_key=api_key, idempotency_key=key).first()
    if existing is None or existing.status_code is None:
        raise IdempotencyConflict
    if existing.fingerprint != fingerprint:
        raise IdempotencyKeyReused
    return _replay(existing)


def run_idempotent(view, request, handler: Callable[[], object]):
    """Run ``handler`` (which returns a DRF ``Response``) at most once per key and caller."""
    key = request.headers.get(HEADER)
    if key is None:
        return handler()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            {HEADER: [_("Send 1 to 255 characters.")]}, code="invalid_idempotency_key"
        )
    claimed = _claim(api_key=request.user.key, key=key, fingerprint=_fingerprint(request))
    if isinstance(claimed, HttpResponse):
        return claimed
    try:
        with transaction.atomic():
            response = view.finalize_response(request, handler())
            response.render()
            claimed.status_code = response.status_code
            claimed.content_type = response["Content-Type"]
            claimed.body = response.content
            claimed.save(update_fields=["status_code", "content_type", "body"])
    except BaseException:
        claimed.delete()
        raise
    return response
