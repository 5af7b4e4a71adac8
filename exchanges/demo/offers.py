"""Demo offers and waiting lists in the open cohort.

``applicant@`` (Korean) holds an open offer (accept or decline it from the status page) and
``applicant-ja@`` is first on the Japanese waiting list; a few generated applicants hold offers
with near deadlines (so the reminder and lapse workflows have something to do) or wait behind
them. Rows are written directly, like the other demo data: nothing is queued or sent.

Idempotent: once the cohort has an offer deadline or a waiting-list position, nothing is added.
"""

import datetime as dt
import random

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from exchanges.demo.applications import _seed_form, _seed_one
from exchanges.enums import ApplicationStatus
from exchanges.models import ActivityLog, Application, Cohort
from exchanges.services.waitlists import offer_respond_by_for

S = ApplicationStatus
# (demo login or country of a generated applicant, status, days since the decision).
# Decided 4 and 12 days ago with 14 days to answer: deadlines in about 10 and 2 days.
DEMO_OFFERS = [
    ("applicant", S.ACCEPTED, 4),
    ("US", S.ACCEPTED, 12),
    ("JP", S.ACCEPTED, 6),
    ("applicant-ja", S.WAITLISTED, 4),
    ("JP", S.WAITLISTED, 4),
    ("JP", S.WAITLISTED, 3),
    ("KR", S.WAITLISTED, 2),
    ("KR", S.WAITLISTED, 2),
]
# Generated applicants used here: numbers the other demo steps leave to chance.
GENERATED_RANGE = range(81, 91)


def _generated(cohort: Cohort, country: str, domain: str, taken: set[int]) -> User | None:
    emails = [f"applicant-{country.lower()}-{index:03d}@{domain}" for index in GENERATED_RANGE]
    return (
        User.objects.filter(email__in=emails)
        .exclude(pk__in=taken)
        .exclude(applications__cohort=cohort)
        .order_by("email")
        .first()
    )


def seed_demo_offers(*, cohort: Cohort, users: dict[str, User]) -> int:
    """Seed offers and waiting lists into ``cohort``; ``users`` are the demo logins by email.
    Returns how many applications were added (0 when the cohort already has them)."""
    staff = next(user for email, user in users.items() if email.startswith("staff@"))
    domain = staff.email.rpartition("@")[2]
    if (
        Application.objects.filter(cohort=cohort)
        .filter(Q(offer_respond_by__isnull=False) | Q(waitlist_position__isnull=False))
        .exists()
    ):
        return 0
    rng = random.Random("trilink-offers")  # noqa: S311 -- repeatable demo data
    questions = _seed_form(cohort)
    content_type = ContentType.objects.get_for_model(Application)
    now = timezone.now()
    positions: dict[str, int] = {}
    taken: set[int] = set()
    created = 0
    for who, status, days_ago in DEMO_OFFERS:
        if who.startswith("applicant"):
            applicant = User.objects.filter(email=f"{who}@{domain}").first()
            if applicant is None or applicant.applications.filter(cohort=cohort).exists():
                continue
        else:
            applicant = _generated(cohort, who, domain, taken)
            if applicant is None:
                continue
        taken.add(applicant.pk)
        _seed_one(
            cohort=cohort,
            applicant=applicant,
            status=status,
            questions=questions,
            staff=staff,
            rng=rng,
            content_type=content_type,
        )
        application = Application.objects.get(cohort=cohort, applicant=applicant)
        decided_at = now - dt.timedelta(days=days_ago)
        changes = {"status_changed_at": decided_at, "updated_at": decided_at}
        log = {}
        if status == S.ACCEPTED:
            respond_by = offer_respond_by_for(cohort=cohort, decided_at=decided_at)
            changes |= {"offer_respond_by": respond_by, "offer_updated_at": decided_at}
            log = {"respond_by": respond_by.astimezone(dt.UTC).isoformat()}
        else:
            positions[application.country] = positions.get(application.country, 0) + 1
            changes["waitlist_position"] = positions[application.country]
            log = {"waitlist_position": changes["waitlist_position"]}
        entries = ActivityLog.objects.filter(content_type=content_type, object_id=application.pk)
        decision = entries.filter(action_type=f"exchanges.application.{status}").first()
        if decision is not None:
            # Move the whole history so that the decision falls on ``decided_at``.
            shift = decided_at - decision.timestamp
            entries.update(timestamp=F("timestamp") + shift)
            changes |= {
                "created_at": application.created_at + shift,
                "submitted_at": application.submitted_at + shift,
            }
            decision.data = {**decision.data, **log}
            decision.save(update_fields=["data"])
        Application.objects.filter(pk=application.pk).update(**changes)
        created += 1
    return created
