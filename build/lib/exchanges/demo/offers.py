"""Demo offers and waiting lists in the open cohort.

``applicant@`` (Korean) holds an open offer (accept or decline it from the status page) and
``applicant-ja@`` is first on the Japanese waiting list; a few generated applicants hold offers
with near deadlines (so the reminder and lapse workflows have something to do) or wait behind
them. Staff decide through ``application_transition`` (which numbers the waiting list and
sets the offer's deadline); the decisions are then dated back to when they were made.

Idempotent: once the cohort has an open offer or a waiting-list position, nothing is added.
"""

import datetime as dt
import random

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from exchanges.demo.applications import demo_apply, demo_form, demo_profile
from exchanges.demo.history import application_backdate
from exchanges.enums import ApplicationStatus
from exchanges.models import Application, Cohort
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
        .filter(Q(status=S.ACCEPTED) | Q(waitlist_position__isnull=False))
        .exists()
    ):
        return 0
    rng = random.Random("trilink-offers")  # noqa: S311 -- repeatable demo data
    questions = demo_form(cohort, staff)
    now = timezone.now()
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
        decided_at = now - dt.timedelta(days=days_ago)
        application = demo_apply(
            cohort=cohort,
            applicant=applicant,
            status=status,
            staff=staff,
            profile=demo_profile(cohort, applicant, rng),
            questions=questions,
            rng=rng,
            offer_respond_by=(
                offer_respond_by_for(cohort=cohort, decided_at=decided_at)
                if status == S.ACCEPTED
                else None
            ),
        )
        application_backdate(application, ended=decided_at, step=dt.timedelta(days=2))
        created += 1
    return created
