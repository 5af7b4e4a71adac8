"""Review: the rubric, the reviewer pool, assigning reviewers, reviews and conflicts, and the
reviewer emails (``reviewer_assigned`` per batch, the ``reviewer-nudge`` beat workflow).

Assignment rules, for both automatic and manual assignment: a reviewer is never assigned an
application from their own organisation or from an institution they declared a conflict with
(compared ignoring case and whitespace), never one they declared a conflict of interest on,
never the same application twice, and, when the cohort asks for it, never an applicant from
their own country (automatic assignment only: staff may knowingly override it by hand).
Assigning moves a submitted application to "under review" through ``applications_start_review``
(the bulk form of ``application_transition``).

Scheduled workflow registered here: ``reviewer-nudge``. Each active pool member (reviewer ×
cohort) with pending assignments gets one digest at 09:00 in their time zone 3 days before the
due date of the round they review in (window ``3d``) and one on the day after it (window
``overdue``): round 1's due date is the cohort's review settings', a later round's its own.
The key ``reviewer-nudge:<pool member id>:<window>:<due date>`` makes each go out once per
due date (a due date moved by staff, or a new round's, gets fresh nudges).
"""

import datetime as dt
import logging
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, DateTimeField, F, Q, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from config.site import site_url
from exchanges.activity_types import Activity
from exchanges.enums import (
    APPLICATION_REVIEWABLE,
    REVIEW_ASSIGNMENT_ACTIVE,
    ApplicationStatus,
    MailTemplateKey,
    ReviewAssignmentStatus,
    ReviewRecommendation,
    Role,
)
from exchanges.exceptions import ReviewIncomplete, ReviewRefused
from exchanges.formatting import mail_datetime_text
from exchanges.matching.assignment import AssignmentProblem, assign_reviewers
from exchanges.models import (
    ActivityLog,
    Application,
    Cohort,
    CohortReviewSettings,
    OutgoingMail,
    Question,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerConflict,
    ReviewerPoolMember,
    ReviewRound,
    ReviewRoundEntry,
    ReviewScore,
)
from exchanges.models.reviews import REVIEWS_PER_APPLICATION_MAX
from exchanges.selectors.reviews import (
    review_criteria_of,
    review_criteria_of_assignment,
    review_in_current_round,
    review_in_round,
    review_round_applications,
    review_round_current,
    review_round_of,
    review_round_start_warning,
    review_round_submitted_reviews,
    review_rubric_scope,
)
from exchanges.services.activity import activity_check_declared, activity_log_record
from exchanges.services.applications import applications_start_review
from exchanges.services.mail import mail_language, mail_queue
from exchanges.services.reminders import (
    reminder_due_at,
    reminder_occasion,
    reminder_queue,
    reminder_workflow,
    reminders_queue_due,
)

logger = logging.getLogger(__name__)

A = ReviewAssignmentStatus
ROUND_NAME_MAX = 200
# Rows per INSERT of an assignment run (Django caps it further at the database's limit on
# query parameters).
BULK_BATCH = 5000
# What a later round's rubric copies from the previous round's.
RUBRIC_COPIED_FIELDS = (
    "position",
    "name_en",
    "name_ja",
    "name_ko",
    "description_en",
    "description_ja",
    "description_ko",
    "weight",
    "max_score",
)
REVIEWER_ROLES = frozenset({Role.REVIEWER, Role.SECRETARIAT})
MAX_CONFLICT_REASON = 2000


def normalise_institution(name: str) -> str:
    """``name`` compared ignoring case and every kind of whitespace ("Seoul  National
    University" and "seoul national university" are the same institution)."""
    return "".join((name or "").split()).casefold()


def _review_url(cohort: Cohort) -> str:
    return f"{site_url()}{reverse('review:queue')}?cohort={cohort.pk}"


def _insert_many(model, rows: list[dict]) -> None:
    """INSERT ``rows`` (``{field name: value}``, every row with the same fields) into
    ``model``'s table with one prepared statement per ``BULK_BATCH`` rows (``executemany``).

    For the tens of thousands of rows of an assignment run: ``bulk_create`` prepares every
    field of every row through the field API (two million calls for 60,000 assignments and
    their log entries, most of the run's time). Here each column is prepared once per distinct
    value: foreign keys and plain values are passed as they are, datetimes and JSON through
    their field's ``get_db_prep_save`` (cached per value), so both databases get what the ORM
    would send."""
    if not rows:
        return
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    prepared = [
        name
        for name, f in zip(names, fields, strict=True)
        if isinstance(f, models.DateTimeField | models.JSONField)
    ]
    quote = connection.ops.quote_name
    # Table and column names from the model's meta, quoted; every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 -- no user input in names # nosec B608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    cache: dict = {}

    def prep(name: str, value):
        if isinstance(value, dict | list):  # JSON: one per row
            return model._meta.get_field(name).get_db_prep_save(value, connection)
        key = (name, value)
        if key not in cache:  # datetimes: the run's one timestamp
            cache[key] = model._meta.get_field(name).get_db_prep_save(value, connection)
        return cache[key]

    values = [
        tuple(prep(name, row[name]) if name in prepared else row[name] for name in names)
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), BULK_BATCH):
            cursor.executemany(sql, values[start : start + BULK_BATCH])


def _bulk_log(*, actor, objects: list, action_type: Activity, data: list[dict]) -> None:
    """One activity log entry per object (at least one), written in bulk (assignment runs
    may touch tens of thousands of rows; see ``_insert_many``)."""
    _bulk_log_ids(
        actor=actor,
        model=type(objects[0]) if objects else None,
        ids=[obj.pk for obj in objects],
        action_type=action_type,
        data=data,
    )


def _bulk_log_ids(*, actor, model, ids: list[int], action_type: Activity, data: list[dict]) -> None:
    activity_check_declared(action_type)
    if not ids:
        return
    content_type_id = ContentType.objects.get_for_model(model).pk
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    now = timezone.now()
    action = str(action_type)
    _insert_many(
        ActivityLog,
        [
            {
                "actor": actor_id,
                "content_type": content_type_id,
                "object_id": pk,
                "action_type": action,
                "data": entry,
                "timestamp": now,
            }
            for pk, entry in zip(ids, data, strict=True)
        ],
    )


# --- Settings and rubric ----------------------------------------------------------------------


def review_settings_get(*, cohort: Cohort) -> CohortReviewSettings:
    """The cohort's review settings, created with the defaults the first time."""
    review_settings, _created = CohortReviewSettings.objects.get_or_create(cohort=cohort)
    return review_settings


@transaction.atomic
def review_settings_save(
    *,
    cohort: Cohort,
    actor,
    reviews_per_application: int,
    avoid_same_country: bool,
    blind: bool,
    due_at: dt.datetime | None,
    identifying_questions: list[Question],
) -> CohortReviewSettings:
    """Save the cohort's review settings. The due date and reviewers per application are the
    current round's (the one the overview shows and reviewers work in): round 1's are the
    settings' own, so a cohort in round 1 (or without rounds yet) changes both; in a later
    round only that round changes, and round 1 keeps its due date and reminders."""
    own = set(Question.objects.filter(step__form__cohort=cohort).values_list("pk", flat=True))
    if any(q.pk not in own for q in identifying_questions):
        raise ReviewRefused(_("Only questions of this cohort's form can be marked as identifying."))
    review_settings = CohortReviewSettings.objects.select_for_update().get(
        pk=review_settings_get(cohort=cohort).pk
    )
    current = review_round_current(cohort=cohort)
    if current is None or current.number == 1:
        review_settings.reviews_per_application = reviews_per_application
        review_settings.due_at = due_at
        ReviewRound.objects.filter(cohort=cohort, number=1).update(
            reviews_per_application=reviews_per_application, due_at=due_at
        )
    else:
        current.reviews_per_application = reviews_per_application
        current.due_at = due_at
        current.save(update_fields=["reviews_per_application", "due_at"])
    review_settings.avoid_same_country = avoid_same_country
    review_settings.blind = blind
    review_settings.updated_at = timezone.now()
    review_settings.save()
    review_settings.identifying_questions.set(identifying_questions)
    activity_log_record(
        actor=actor,
        obj=cohort,
        action_type=Activity.REVIEW_SETTINGS_SAVED,
        data={
            "round": current.number if current else 1,
            "reviews_per_application": reviews_per_application,
            "avoid_same_country": avoid_same_country,
            "blind": blind,
            "due_at": due_at.isoformat() if due_at else None,
            "identifying_questions": sorted(q.pk for q in identifying_questions),
        },
    )
    return review_settings


# --- Rounds ----------------------------------------------------------------------------------


def _first_round(
    *, cohort: Cohort, actor, review_settings: CohortReviewSettings | None = None
) -> ReviewRound:
    """Round 1 with the cohort's review settings (those staff edit stay its settings)."""
    review_settings = review_settings or review_settings_get(cohort=cohort)
    review_round, _created = ReviewRound.objects.get_or_create(
        cohort=cohort,
        number=1,
        defaults={
            "reviews_per_application": review_settings.reviews_per_application,
            "due_at": review_settings.due_at,
            "created_by": actor,
        },
    )
    return review_round


@transaction.atomic
def review_round_create(
    *,
    cohort: Cohort,
    actor,
    name: str,
    reviews_per_application: int,
    due_at: dt.datetime | None,
    own_country_only: bool,
    reviewers: list[User],
    start_anyway: bool = False,
) -> ReviewRound:
    """Add the cohort's next round; it becomes the round reviewers work in.

    A cohort that already assigned reviewers keeps them as round 1, so the new round is
    at least round 2; it starts with no applications until staff advance some.

    The round needs a name. Starting it while the current round still has pending reviews,
    or (after round 1) before any application was advanced to the current round, is refused
    (``ReviewRefused`` with code ``round_start_unconfirmed``) unless ``start_anyway``: it is
    not forbidden (reviewers may finish an earlier round's reviews until its due date), but
    staff should know.
    """
    name = " ".join(name.split())
    if not name:
        raise ReviewRefused(_("Give the round a name."), code="round_name_missing")
    if len(name) > ROUND_NAME_MAX:
        raise ReviewRefused(_("Keep the name under %(max)s characters.") % {"max": ROUND_NAME_MAX})
    # The settings row serialises round creation with assignment runs of the cohort.
    review_settings = _locked_settings(cohort)
    if ReviewAssignment.objects.filter(cohort=cohort).exists():
        _first_round(cohort=cohort, actor=actor, review_settings=review_settings)
    if not start_anyway and review_round_start_warning(cohort=cohort) is not None:
        raise ReviewRefused(
            _("Confirm that the next round should start anyway."),
            code="round_start_unconfirmed",
        )
    latest = review_round_current(cohort=cohort)
    number = latest.number + 1 if latest else 1
    if number == 1:
        review_settings.reviews_per_application = reviews_per_application
        review_settings.due_at = due_at
        review_settings.updated_at = timezone.now()
        review_settings.save(update_fields=["reviews_per_application", "due_at", "updated_at"])
    review_round = ReviewRound.objects.create(
        cohort=cohort,
        number=number,
        name=name,
        reviews_per_application=reviews_per_application,
        due_at=due_at,
        own_country_only=own_country_only,
        created_by=actor,
    )
    review_round.reviewers.set(reviewers)
    if number > 1:
        _copy_rubric(cohort=cohort, source=latest, target=review_round)
    activity_log_record(
        actor=actor,
        obj=review_round,
        action_type=Activity.REVIEW_ROUND_CREATED,
        data={
            "cohort": cohort.pk,
            "number": number,
            "name": review_round.name,
            "reviews_per_application": reviews_per_application,
            "due_at": due_at.isoformat() if due_at else None,
            "own_country_only": own_country_only,
            "reviewers": sorted(r.pk for r in reviewers),
            "started_anyway": start_anyway,
        },
    )
    return review_round


@transaction.atomic
def review_round_delete(*, review_round: ReviewRound, actor) -> None:
    """Delete the cohort's latest round, started by mistake, with its rubric, its advanced
    applications and its unfinished assignments; the round before it becomes current again.

    Refused (``ReviewRefused``) for an earlier round (later rounds build on it), for a round
    in which any review was written (the reviews are the selection's record), and for round 1
    once reviewers are assigned (assigning moved the applications under review). Logged on
    the cohort, since the round itself is gone."""
    cohort = review_round.cohort
    _locked_settings(cohort)  # not during an assignment run or a round creation of the cohort
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    latest = review_round_current(cohort=cohort)
    if latest is not None and latest.number != review_round.number:
        raise ReviewRefused(
            _("Only the latest round can be deleted: delete %(round)s first.")
            % {"round": latest.label},
            code="round_not_latest",
        )
    if review_round_submitted_reviews(review_round=review_round):
        raise ReviewRefused(
            _("Reviews have been submitted in %(round)s: it cannot be deleted.")
            % {"round": review_round.label},
            code="round_has_reviews",
        )
    assignments = ReviewAssignment.objects.filter(review_in_round(review_round), cohort=cohort)
    if review_round.number == 1 and assignments.exists():
        raise ReviewRefused(
            _("Reviewers have been assigned in round 1: it cannot be deleted."),
            code="round_has_assignments",
        )
    data = {
        "number": review_round.number,
        "name": review_round.name,
        "assignments": sorted(assignments.values_list("pk", flat=True)),
        "applications": sorted(review_round.entries.values_list("application_id", flat=True)),
    }
    assignments.delete()
    review_round.delete()
    activity_log_record(
        actor=actor, obj=cohort, action_type=Activity.REVIEW_ROUND_DELETED, data=data
    )


@transaction.atomic
def review_round_update(
    *,
    review_round: ReviewRound,
    actor,
    name: str,
    reviews_per_application: int,
    due_at: dt.datetime | None,
    reviewers: list[User],
) -> ReviewRound:
    """Rename a round and change its reviewers per application, due date and pool. Round 1's
    reviewers per application and due date are the cohort's review settings' too, so both
    change together. A due date moved to another day gets fresh reminders (their key names
    the date, and the round after round 1). Whether it is a screening round cannot change:
    its assignments depend on it."""
    cohort = review_round.cohort
    review_settings = _locked_settings(cohort)  # not during an assignment run of the cohort
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    name = " ".join(name.split())
    if len(name) > ROUND_NAME_MAX:
        raise ReviewRefused(_("Keep the name under %(max)s characters.") % {"max": ROUND_NAME_MAX})
    if not 1 <= reviews_per_application <= REVIEWS_PER_APPLICATION_MAX:
        raise ReviewRefused(
            _("Reviewers per application is from 1 to %(max)s.")
            % {"max": REVIEWS_PER_APPLICATION_MAX}
        )
    pool = set(
        ReviewerPoolMember.objects.filter(cohort=cohort, is_active=True).values_list(
            "reviewer_id", flat=True
        )
    )
    if any(r.pk not in pool for r in reviewers):
        raise ReviewRefused(_("Only reviewers in this cohort's pool can review in a round."))
    # A round may stay without a date until anyone is assigned in it, not after.
    if due_at is None and review_round.assignments.exists():
        raise ReviewRefused(_("Reviewers have been assigned in this round: it needs a due date."))
    review_round.name = name
    review_round.reviews_per_application = reviews_per_application
    review_round.due_at = due_at
    review_round.save(update_fields=["name", "reviews_per_application", "due_at"])
    review_round.reviewers.set(reviewers)
    if review_round.number == 1:
        review_settings.reviews_per_application = reviews_per_application
        review_settings.due_at = due_at
        review_settings.updated_at = timezone.now()
        review_settings.save(update_fields=["reviews_per_application", "due_at", "updated_at"])
    activity_log_record(
        actor=actor,
        obj=review_round,
        action_type=Activity.REVIEW_ROUND_SAVED,
        data={
            "cohort": cohort.pk,
            "number": review_round.number,
            "name": name,
            "reviews_per_application": reviews_per_application,
            "due_at": due_at.isoformat() if due_at else None,
            "reviewers": sorted(r.pk for r in reviewers),
        },
    )
    return review_round


@transaction.atomic
def review_round_advance(
    *,
    review_round: ReviewRound,
    applications: list[Application],
    actor,
    via: dict | None = None,
) -> list[int]:
    """Advance ``applications`` (submitted or under review, of the round's cohort) to
    ``review_round``, a round after round 1; returns the ids newly advanced (ones already
    in the round are left as they are). ``via`` (for example the partner API key) is
    added to the log entry, which is written only when something was advanced."""
    if review_round.number < 2:
        raise ReviewRefused(_("Round 1 reviews every application: nothing advances to it."))
    ids = sorted({a.pk for a in applications})
    valid = set(
        Application.objects.filter(
            pk__in=ids, cohort_id=review_round.cohort_id, status__in=APPLICATION_REVIEWABLE
        ).values_list("pk", flat=True)
    )
    if valid != set(ids):
        raise ReviewRefused(
            _("Only submitted applications and applications under review of this cohort advance.")
        )
    already = set(
        ReviewRoundEntry.objects.filter(round=review_round, application_id__in=ids).values_list(
            "application_id", flat=True
        )
    )
    new = [pk for pk in ids if pk not in already]
    now = timezone.now()
    ReviewRoundEntry.objects.bulk_create(
        [
            ReviewRoundEntry(
                round=review_round, application_id=pk, advanced_at=now, advanced_by=actor
            )
            for pk in new
        ]
    )
    if new:
        activity_log_record(
            actor=actor,
            obj=review_round,
            action_type=Activity.REVIEW_ROUND_ADVANCED,
            data={"number": review_round.number, "applications": new, **(via or {})},
        )
    return new


@transaction.atomic
def review_round_advance_screened(
    *, application: Application, organisation, number: int, via: dict | None = None
) -> tuple[ReviewRound, bool]:
    """A partner organisation's screening decision: advance ``application`` of its own
    country from a screening round (``own_country_only``) to round ``number``, the round
    right after it and the cohort's current one. Returns the round and whether the
    application was newly advanced (advancing twice changes nothing).

    The secretariat's later rounds are not the partner's to decide: anything but the round
    after a screening round is refused (``ReviewRefused``), as is an application that is not
    in the screening round or another country's.
    """
    if application.country != organisation.country:
        raise ReviewRefused(
            _("Partners decide on applicants of their own country only."), code="wrong_country"
        )
    target = review_round_of(cohort=application.cohort, number=number)
    current = review_round_current(cohort=application.cohort)
    if target is None or current is None or target.pk != current.pk:
        raise ReviewRefused(
            _("Applications advance only to the cohort's current review round."),
            code="not_current_round",
        )
    screening = review_round_of(cohort=application.cohort, number=number - 1)
    if screening is None or not screening.own_country_only:
        raise ReviewRefused(
            _("The round before this one is not a screening round of each country."),
            code="not_a_screening_round",
        )
    if (
        not review_round_applications(review_round=screening, cohort=application.cohort)
        .filter(pk=application.pk)
        .exists()
    ):
        raise ReviewRefused(
            _("This application is not in the screening round."), code="not_in_screening_round"
        )
    if ReviewRoundEntry.objects.filter(round=target, application=application).exists():
        return target, False
    advanced = review_round_advance(
        review_round=target,
        applications=[application],
        actor=None,
        via={"organisation": organisation.pk, **(via or {})},
    )
    return target, bool(advanced)


def review_rubric_is_locked(*, cohort: Cohort, review_round: ReviewRound | None = None) -> bool:
    """Once a review of the round is submitted, its rubric's criteria can no longer be added,
    removed or re-weighted: scores already given would change meaning. Names and
    descriptions stay editable. Each round's rubric locks on its own round's reviews."""
    if review_round is None or review_round.number == 1:
        scope = Q(assignment__round__isnull=True) | Q(assignment__round__number=1)
    else:
        scope = Q(assignment__round=review_round)
    return Review.objects.filter(scope, assignment__cohort=cohort).exists()


def _copy_rubric(*, cohort: Cohort, source: ReviewRound | None, target: ReviewRound) -> int:
    """``target`` starts with a copy of ``source``'s rubric (round 1's when None)."""
    copies = [
        ReviewCriterion(
            cohort=cohort,
            round=target,
            **{name: getattr(criterion, name) for name in RUBRIC_COPIED_FIELDS},
        )
        for criterion in review_criteria_of(cohort=cohort, review_round=source)
    ]
    ReviewCriterion.objects.bulk_create(copies)
    return len(copies)


@transaction.atomic
def review_criterion_save(*, criterion: ReviewCriterion, actor) -> ReviewCriterion:
    """Create or update a criterion of a round's rubric (its ``cohort`` set, and its
    ``round`` for a round after round 1)."""
    cohort = criterion.cohort
    _locked_settings(cohort)  # one rubric change or review lock check at a time
    review_round = criterion.round
    if review_round is not None and review_round.cohort_id != cohort.pk:
        raise ReviewRefused(_("This round belongs to another cohort."))
    if review_round is not None and review_round.number == 1:
        criterion.round = review_round = None  # round 1's rubric has no round (see the model)
    if review_rubric_is_locked(cohort=cohort, review_round=review_round):
        if criterion.pk is None:
            raise ReviewRefused(
                _("Reviews have been submitted: the rubric can no longer get new criteria.")
            )
        stored = ReviewCriterion.objects.get(pk=criterion.pk)
        if stored.weight != criterion.weight or stored.max_score != criterion.max_score:
            raise ReviewRefused(
                _(
                    "Reviews have been submitted: weights and highest scores "
                    "can no longer change. Names and descriptions can."
                )
            )
    created = criterion.pk is None
    if created and not criterion.position:
        last = (
            ReviewCriterion.objects.filter(review_rubric_scope(review_round), cohort=cohort)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        criterion.position = (last or 0) + 1
    criterion.full_clean()
    criterion.save()
    activity_log_record(
        actor=actor,
        obj=criterion,
        action_type=Activity.REVIEW_CRITERION_ADDED if created else Activity.REVIEW_CRITERION_SAVED,
        data={
            "cohort": cohort.pk,
            "round": review_round.number if review_round else 1,
            "weight": str(criterion.weight),
            "max_score": criterion.max_score,
        },
    )
    return criterion


@transaction.atomic
def review_criterion_delete(*, criterion: ReviewCriterion, actor) -> None:
    _locked_settings(criterion.cohort)  # not while a first review is being submitted
    if review_rubric_is_locked(cohort=criterion.cohort, review_round=criterion.round):
        raise ReviewRefused(_("Reviews have been submitted: criteria can no longer be removed."))
    activity_log_record(
        actor=actor,
        obj=criterion.cohort,
        action_type=Activity.REVIEW_CRITERION_REMOVED,
        data={
            "criterion": criterion.pk,
            "name": criterion.name_en,
            "round": criterion.round.number if criterion.round else 1,
        },
    )
    criterion.delete()


# --- Pool and declared institutions -----------------------------------------------------------


@transaction.atomic
def review_pool_add(
    *, cohort: Cohort, reviewer: User, actor, max_assignments: int | None = None
) -> ReviewerPoolMember:
    """Add ``reviewer`` to the cohort's pool, or update and reactivate their membership."""
    if reviewer.role not in REVIEWER_ROLES or not reviewer.is_active:
        raise ReviewRefused(_("Only active reviewers and secretariat staff can review."))
    _locked_settings(cohort)  # not in the middle of an automatic assignment run
    member, created = ReviewerPoolMember.objects.select_for_update().get_or_create(
        cohort=cohort,
        reviewer=reviewer,
        defaults={"max_assignments": max_assignments, "added_by": actor},
    )
    if not created:
        member.is_active = True
        member.max_assignments = max_assignments
        member.save(update_fields=["is_active", "max_assignments"])
    activity_log_record(
        actor=actor,
        obj=member,
        action_type=Activity.REVIEW_POOL_ADDED,
        data={"cohort": cohort.pk, "reviewer": reviewer.pk, "max_assignments": max_assignments},
    )
    return member


@transaction.atomic
def review_pool_remove(*, member: ReviewerPoolMember, actor) -> int:
    """Take ``member`` out of the pool; their unfinished assignments in the cohort are removed
    (submitted reviews stay). Returns how many assignments were removed."""
    # An automatic assignment run holds this lock: it must not hand the reviewer new work
    # after the removal committed, where nobody would replace or remind them.
    _locked_settings(member.cohort)
    member = ReviewerPoolMember.objects.select_for_update().get(pk=member.pk)
    member.is_active = False
    member.save(update_fields=["is_active"])
    pending = list(
        ReviewAssignment.objects.select_for_update().filter(
            cohort_id=member.cohort_id, reviewer_id=member.reviewer_id, status=A.ASSIGNED
        )
    )
    now = timezone.now()
    ReviewAssignment.objects.filter(pk__in=[a.pk for a in pending]).update(
        status=A.REMOVED, removed_at=now
    )
    _bulk_log(
        actor=actor,
        objects=pending,
        action_type=Activity.REVIEW_UNASSIGNED,
        data=[
            {"application": a.application_id, "reviewer": a.reviewer_id, "reason": "pool"}
            for a in pending
        ],
    )
    activity_log_record(
        actor=actor,
        obj=member,
        action_type=Activity.REVIEW_POOL_REMOVED,
        data={
            "cohort": member.cohort_id,
            "reviewer": member.reviewer_id,
            "assignments_removed": len(pending),
        },
    )
    return len(pending)


@transaction.atomic
def reviewer_conflict_add(*, reviewer: User, institution: str, actor) -> ReviewerConflict:
    """Declare an institution or organisation ``reviewer`` must never review applicants of."""
    institution = " ".join(institution.split())
    normalised = normalise_institution(institution)
    if not normalised:
        raise ReviewRefused(_("Enter the name of the institution or organisation."))
    conflict = ReviewerConflict.objects.filter(reviewer=reviewer, normalised=normalised).first()
    if conflict is not None:
        return conflict
    try:
        with transaction.atomic():
            conflict = ReviewerConflict.objects.create(
                reviewer=reviewer, institution=institution[:200], normalised=normalised[:200]
            )
    except IntegrityError:
        return ReviewerConflict.objects.get(reviewer=reviewer, normalised=normalised[:200])
    activity_log_record(
        actor=actor,
        obj=conflict,
        action_type=Activity.REVIEW_INSTITUTION_CONFLICT_ADDED,
        data={"reviewer": reviewer.pk},
    )
    return conflict


@transaction.atomic
def reviewer_conflict_remove(*, conflict: ReviewerConflict, actor) -> None:
    activity_log_record(
        actor=actor,
        obj=conflict,
        action_type=Activity.REVIEW_INSTITUTION_CONFLICT_REMOVED,
        data={"reviewer": conflict.reviewer_id},
    )
    conflict.delete()


# --- Eligibility ------------------------------------------------------------------------------

# Why a pool member cannot review an application; the order is the order of the checks.
EXCLUDED_INSTITUTION = "institution"
EXCLUDED_CONFLICT = "conflict"
EXCLUDED_COUNTRY = "country"
EXCLUDED_ASSIGNED = "assigned"
EXCLUDED_REMOVED = "removed"
EXCLUDED_CAPACITY = "capacity"
EXCLUDED_SELF = "self"


@dataclass
class _Reviewer:
    member: ReviewerPoolMember
    institutions: frozenset[str]

    @property
    def user(self) -> User:
        return self.member.reviewer


def _reviewers_for(members: list[ReviewerPoolMember]) -> list[_Reviewer]:
    """Pool members with the normalised names of their organisation and declared conflicts."""
    declared = defaultdict(set)
    for reviewer_id, normalised in ReviewerConflict.objects.filter(
        reviewer_id__in=[m.reviewer_id for m in members]
    ).values_list("reviewer_id", "normalised"):
        declared[reviewer_id].add(normalised)
    result = []
    for member in members:
        names = set(declared[member.reviewer_id])
        organisation = member.reviewer.organisation
        if organisation is not None:
            names.add(normalise_institution(organisation.name))
        names.discard("")
        result.append(_Reviewer(member=member, institutions=frozenset(names)))
    return result


def _exclusion(
    *, reviewer: _Reviewer, application: Application, existing: str | None, avoid_same_country: bool
) -> str | None:
    """The reason ``reviewer`` may not get ``application``, or None. ``existing`` is the
    status of an earlier assignment of this pair."""
    if existing == A.CONFLICT:
        return EXCLUDED_CONFLICT
    if existing in REVIEW_ASSIGNMENT_ACTIVE:
        return EXCLUDED_ASSIGNED
    if existing == A.REMOVED:
        return EXCLUDED_REMOVED
    if reviewer.user.pk == application.applicant_id:
        return EXCLUDED_SELF
    institution = normalise_institution(application.institution)
    if institution and institution in reviewer.institutions:
        return EXCLUDED_INSTITUTION
    if (
        avoid_same_country
        and reviewer.user.country
        and reviewer.user.country == application.country
    ):
        return EXCLUDED_COUNTRY
    return None


# --- Assigning --------------------------------------------------------------------------------


@dataclass
class Unfilled:
    """An application automatic assignment could not give all its reviewers, and why: how
    many pool members each rule excluded."""

    application: Application
    needed: int
    assigned: int
    excluded: dict[str, int] = field(default_factory=dict)

    @property
    def missing(self) -> int:
        return self.needed - self.assigned


@dataclass
class AutoAssignResult:
    batch: str
    per_application: int
    applications_considered: int = 0
    applications_completed: int = 0
    assignments_created: int = 0
    reviewers_emailed: int = 0
    loads: dict[int, int] = field(default_factory=dict)
    unfilled: list[Unfilled] = field(default_factory=list)


def _require_due_date(due_at: dt.datetime | None) -> None:
    if due_at is None:
        raise ReviewRefused(
            _("Set the review due date before assigning reviewers: the reviewers' emails give it.")
        )


def _locked_settings(cohort: Cohort) -> CohortReviewSettings:
    """The settings row, locked: assignment runs of one cohort happen one at a time."""
    return CohortReviewSettings.objects.select_for_update().get(
        pk=review_settings_get(cohort=cohort).pk
    )


def _round_for_assigning(cohort: Cohort, review_settings: CohortReviewSettings) -> ReviewRound:
    """The cohort's current round; round 1 is created the first time anyone is assigned."""
    return review_round_current(cohort=cohort) or _first_round(
        cohort=cohort, actor=None, review_settings=review_settings
    )


def _round_terms(
    review_round: ReviewRound, review_settings: CohortReviewSettings
) -> tuple[int, dt.datetime | None]:
    """Reviewers per application and due date: round 1 follows the cohort's review settings
    (which staff edit on the settings page), later rounds have their own."""
    if review_round.number == 1:
        return review_settings.reviews_per_application, review_settings.due_at
    return review_round.reviews_per_application, review_round.due_at


def _start_review(applications: list[Application], actor) -> None:
    """Submitted applications that got a reviewer are now under review."""
    applications_start_review(
        applications=[a for a in applications if a.status == ApplicationStatus.SUBMITTED],
        actor=actor,
    )


def _notify_assigned(
    *,
    cohort: Cohort,
    due_at: dt.datetime | None,
    batch: str,
    counts: dict[int, int],
    members: dict[int, ReviewerPoolMember],
) -> int:
    """One ``reviewer_assigned`` email per reviewer of ``batch`` (in this transaction)."""
    sent = 0
    for reviewer_id, count in sorted(counts.items()):
        member = members[reviewer_id]
        reviewer = member.reviewer
        language = mail_language(recipient=reviewer)
        with translation.override(language):
            context = {
                "program_name": cohort.program.name,
                "cohort_name": cohort.name,
                "review_url": _review_url(cohort),
                "assignment_count": count,
                "due_date": mail_datetime_text(
                    value=due_at, language=language, time_zone=reviewer.time_zone
                ),
            }
        mail_queue(
            template_key=MailTemplateKey.REVIEWER_ASSIGNED,
            idempotency_key=f"reviewer-assigned:{batch}:{reviewer_id}",
            recipient=reviewer,
            language=language,
            context=context,
            concerning=member,
            cohort=cohort,
        )
        sent += 1
    return sent


@transaction.atomic
def review_assign_automatically(
    *, cohort: Cohort, per_application: int | None = None, actor
) -> AutoAssignResult:
    """Give every submitted or under-review application of ``cohort``'s current round
    ``per_application`` active reviewers (the round's setting if None) from the round's
    pool, filling only what is missing. In a screening round (``own_country_only``) each
    application gets reviewers of its own country only.

    Optimal, not greedy (``exchanges.matching.assignment``, a min-cost flow): every
    application gets all its reviewers whenever any assignment can give them that, a
    reviewer's ``max_assignments`` is never exceeded, and the loads (counting the active
    assignments already in the cohort) are as even as the rules allow: the largest is the
    smallest possible, and they differ by at most one when nothing forbids it. Running it
    again assigns nothing new unless something changed (a new application, a declared
    conflict, a new pool member).
    Each reviewer who got assignments gets one email for the batch.
    """
    review_settings = _locked_settings(cohort)
    review_round = _round_for_assigning(cohort, review_settings)
    round_per_application, due_at = _round_terms(review_round, review_settings)
    _require_due_date(due_at)
    per_application = per_application or round_per_application
    batch = uuid.uuid4().hex
    result = AutoAssignResult(batch=batch, per_application=per_application)
    member_rows = ReviewerPoolMember.objects.filter(
        cohort=cohort, is_active=True, reviewer__is_active=True
    )
    round_reviewers = list(review_round.reviewers.values_list("pk", flat=True))
    if round_reviewers:
        member_rows = member_rows.filter(reviewer_id__in=round_reviewers)
    members = list(member_rows.select_related("reviewer__organisation").order_by("reviewer_id"))
    reviewers = _reviewers_for(members)
    # Locked, so that no application is withdrawn or decided while it is being assigned.
    applications = list(
        Application.objects.select_for_update()
        .filter(
            pk__in=review_round_applications(review_round=review_round, cohort=cohort).values("pk")
        )
        .order_by("submitted_at", "id")
    )
    result.applications_considered = len(applications)
    existing: dict[tuple[int, int], str] = {}
    active_per_application: Counter = Counter()
    load: Counter = Counter()
    # Earlier rounds' assignments exclude their reviewer (nobody reviews an application
    # twice) but count towards neither loads nor the reviewers an application has.
    for application_id, reviewer_id, status, round_id in ReviewAssignment.objects.filter(
        cohort=cohort
    ).values_list("application_id", "reviewer_id", "status", "round_id"):
        existing[(application_id, reviewer_id)] = status
        in_round = round_id == review_round.pk or (round_id is None and review_round.number == 1)
        if in_round and status in REVIEW_ASSIGNMENT_ACTIVE:
            load[reviewer_id] += 1
            active_per_application[application_id] += 1

    # The problem for the solver, by index: who may review what (pools by the applicant's
    # country when the cohort avoids same-country reviewers), what each reviewer already has.
    index = {r.user.pk: i for i, r in enumerate(reviewers)}
    by_institution: dict[str, set[int]] = defaultdict(set)
    for i, reviewer in enumerate(reviewers):
        for name in reviewer.institutions:
            by_institution[name].add(i)
    existing_by_application: dict[int, set[int]] = defaultdict(set)
    for (application_id, reviewer_id), _status in existing.items():
        if reviewer_id in index:
            existing_by_application[application_id].add(index[reviewer_id])
    everyone = list(range(len(reviewers)))
    pools: list[list[int]] = [everyone]
    pool_index: dict[str, int] = {}
    wanting, needed, pool_of, excluded = [], [], [], []
    for application in applications:
        need = per_application - active_per_application[application.pk]
        if need <= 0:
            result.applications_completed += 1
            continue
        if review_round.own_country_only:
            key = f"own:{application.country}"
            if key not in pool_index:
                pool_index[key] = len(pools)
                pools.append(
                    [i for i, r in enumerate(reviewers) if r.user.country == application.country]
                )
            pool = pool_index[key]
        elif review_settings.avoid_same_country:
            country = application.country
            if country not in pool_index:
                pool_index[country] = len(pools)
                pools.append(
                    [
                        i
                        for i, r in enumerate(reviewers)
                        if not r.user.country or r.user.country != country
                    ]
                )
            pool = pool_index[country]
        else:
            pool = 0
        banned = set(existing_by_application.get(application.pk, ()))
        banned |= by_institution.get(normalise_institution(application.institution), set())
        if application.applicant_id in index:
            banned.add(index[application.applicant_id])
        wanting.append((application, need))
        needed.append(need)
        pool_of.append(pool)
        excluded.append(banned)
    solution = assign_reviewers(
        AssignmentProblem(
            needed=needed,
            pool_of=pool_of,
            pools=pools,
            excluded=excluded,
            load=[load[r.user.pk] for r in reviewers],
            capacity=[
                None
                if r.member.max_assignments is None
                else max(0, r.member.max_assignments - load[r.user.pk])
                for r in reviewers
            ],
        )
    )

    new_rows, touched, per_reviewer = [], [], Counter()
    now = timezone.now()
    reviewer_ids = [r.user.pk for r in reviewers]
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    for (application, need), chosen in zip(wanting, solution.chosen, strict=True):
        for i in chosen:
            reviewer_id = reviewer_ids[i]
            load[reviewer_id] += 1
            per_reviewer[reviewer_id] += 1
            new_rows.append(
                {
                    "cohort": cohort.pk,
                    "round": review_round.pk,
                    "application": application.pk,
                    "reviewer": reviewer_id,
                    "status": A.ASSIGNED,
                    "batch": batch,
                    "assigned_at": now,
                    "assigned_by": actor_id,
                    "conflict_reason": "",
                }
            )
        if chosen:
            touched.append(application)
        if len(chosen) == need:
            result.applications_completed += 1
            continue
        # Why it stays short: how many pool members each rule excluded (a rare case, so
        # the per-reviewer checks run only here).
        reasons: Counter = Counter()
        for i, reviewer in enumerate(reviewers):
            reason = _exclusion(
                reviewer=reviewer,
                application=application,
                existing=existing.get((application.pk, reviewer.user.pk)),
                avoid_same_country=review_settings.avoid_same_country,
            )
            if reason is None and i not in chosen:
                limit = reviewer.member.max_assignments
                if limit is not None and solution.loads[i] >= limit:
                    reasons[EXCLUDED_CAPACITY] += 1
            elif reason is not None and reason != EXCLUDED_ASSIGNED:
                reasons[reason] += 1
        result.unfilled.append(
            Unfilled(
                application=application,
                needed=per_application,
                assigned=per_application - need + len(chosen),
                excluded=dict(reasons),
            )
        )

    # Written in bulk, then read back by the run's batch (its own uuid) for the log's ids.
    _insert_many(ReviewAssignment, new_rows)
    created = list(
        ReviewAssignment.objects.filter(cohort=cohort, batch=batch)
        .order_by("pk")
        .values_list("pk", "application_id", "reviewer_id")
    )
    _bulk_log_ids(
        actor=actor,
        model=ReviewAssignment,
        ids=[pk for pk, _a, _r in created],
        action_type=Activity.REVIEW_ASSIGNED,
        data=[
            {"application": a, "reviewer": r, "batch": batch, "automatic": True}
            for _pk, a, r in created
        ],
    )
    _start_review(touched, actor)
    result.assignments_created = len(created)
    result.loads = {r.user.pk: load[r.user.pk] for r in reviewers}
    result.unfilled.sort(key=lambda u: (u.application.submitted_at or now, u.application.pk))
    by_id = {m.reviewer_id: m for m in members}
    result.reviewers_emailed = _notify_assigned(
        cohort=cohort,
        due_at=due_at,
        batch=batch,
        counts=per_reviewer,
        members=by_id,
    )
    activity_log_record(
        actor=actor,
        obj=cohort,
        action_type=Activity.REVIEW_AUTO_ASSIGNED,
        data={
            "batch": batch,
            "round": review_round.number,
            "per_application": per_application,
            "assignments": len(created),
            "unfilled": [u.application.pk for u in result.unfilled],
        },
    )
    return result


@transaction.atomic
def review_assign(*, application: Application, reviewer: User, actor) -> ReviewAssignment:
    """Assign ``reviewer`` (an active member of the cohort's pool) to ``application`` by hand.

    Refused for a reviewer of the applicant's institution, one who declared a conflict on
    it, or one already assigned. A reviewer removed from it earlier is assigned again.
    """
    cohort = application.cohort
    review_settings = _locked_settings(cohort)
    review_round = _round_for_assigning(cohort, review_settings)
    _per_application, due_at = _round_terms(review_round, review_settings)
    _require_due_date(due_at)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in APPLICATION_REVIEWABLE:
        raise ReviewRefused(
            _("Only submitted applications and applications under review get reviewers.")
        )
    if (
        not review_round_applications(review_round=review_round, cohort=cohort)
        .filter(pk=application.pk)
        .exists()
    ):
        raise ReviewRefused(_("This application did not advance to the current review round."))
    member = (
        ReviewerPoolMember.objects.filter(cohort=cohort, reviewer=reviewer, is_active=True)
        .select_related("reviewer__organisation")
        .first()
    )
    if member is None:
        raise ReviewRefused(_("Add the reviewer to this cohort's pool first."))
    previous = (
        ReviewAssignment.objects.select_for_update()
        .filter(application=application, reviewer=reviewer)
        .first()
    )
    reason = _exclusion(
        reviewer=_reviewers_for([member])[0],
        application=application,
        existing=previous.status if previous else None,
        avoid_same_country=False,
    )
    messages = {
        EXCLUDED_CONFLICT: _(
            "This reviewer declared a conflict of interest with this application."
        ),
        EXCLUDED_ASSIGNED: _("This reviewer is already assigned to this application."),
        EXCLUDED_INSTITUTION: _(
            "This reviewer belongs to, or declared a conflict with, the applicant's institution."
        ),
        EXCLUDED_SELF: _("Nobody can review their own application."),
    }
    if reason in messages:
        raise ReviewRefused(messages[reason])
    batch = uuid.uuid4().hex
    now = timezone.now()
    if previous is not None:  # removed earlier: assigned again
        previous.status, previous.batch, previous.round = A.ASSIGNED, batch, review_round
        previous.assigned_at, previous.assigned_by, previous.removed_at = now, actor, None
        previous.save(
            update_fields=["status", "batch", "round", "assigned_at", "assigned_by", "removed_at"]
        )
        assignment = previous
    else:
        assignment = ReviewAssignment.objects.create(
            cohort=cohort,
            round=review_round,
            application=application,
            reviewer=reviewer,
            batch=batch,
            assigned_at=now,
            assigned_by=actor,
        )
    activity_log_record(
        actor=actor,
        obj=assignment,
        action_type=Activity.REVIEW_ASSIGNED,
        data={
            "application": application.pk,
            "reviewer": reviewer.pk,
            "batch": batch,
            "automatic": False,
        },
    )
    _start_review([application], actor)
    _notify_assigned(
        cohort=cohort,
        due_at=due_at,
        batch=batch,
        counts={reviewer.pk: 1},
        members={reviewer.pk: member},
    )
    return assignment


@transaction.atomic
def review_unassign(*, assignment: ReviewAssignment, actor) -> ReviewAssignment:
    """Remove an assignment (a submitted review then no longer counts). Automatic assignment
    will not give this reviewer the application again; staff can, by hand."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status not in REVIEW_ASSIGNMENT_ACTIVE:
        raise ReviewRefused(_("This assignment is no longer active."))
    previous = assignment.status
    assignment.status, assignment.removed_at = A.REMOVED, timezone.now()
    assignment.save(update_fields=["status", "removed_at"])
    activity_log_record(
        actor=actor,
        obj=assignment,
        action_type=Activity.REVIEW_UNASSIGNED,
        data={
            "application": assignment.application_id,
            "reviewer": assignment.reviewer_id,
            "from": previous,
        },
    )
    return assignment


# --- Reviewing --------------------------------------------------------------------------------


def _reviewable(assignment: ReviewAssignment, actor) -> None:
    if assignment.reviewer_id != actor.pk:
        raise ReviewRefused(_("Only the assigned reviewer can do this."))
    if assignment.status not in REVIEW_ASSIGNMENT_ACTIVE:
        raise ReviewRefused(_("This assignment is no longer yours to review."))
    if assignment.application.status not in APPLICATION_REVIEWABLE:
        raise ReviewRefused(_("A decision has been made on this application: reviews are closed."))


def review_weighted_score(*, criteria: list[ReviewCriterion], scores: dict[int, int]) -> Decimal:
    """100 × Σ(weight × score / highest) / Σ weight, rounded to two places."""
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    if not total_weight:
        return Decimal("0.00")
    weighted = sum(
        (c.weight * Decimal(scores[c.pk]) / Decimal(c.max_score) for c in criteria), Decimal(0)
    )
    return (Decimal(100) * weighted / total_weight).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def review_validate_scores(*, criteria: list[ReviewCriterion], scores: dict) -> dict[int, int]:
    """The scores as ``{criterion id: int}``, or ``ReviewIncomplete`` naming each problem."""
    if not criteria:
        raise ReviewRefused(_("This round's rubric has no criteria yet."))
    errors, clean = {}, {}
    for criterion in criteria:
        raw = scores.get(criterion.pk)
        if raw is None or raw == "":
            errors[criterion.pk] = _("Give a score for this criterion.")
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors[criterion.pk] = _("Enter a whole number.")
            continue
        if isinstance(raw, float | Decimal) and raw != value:
            errors[criterion.pk] = _("Enter a whole number.")
        elif not 0 <= value <= criterion.max_score:
            errors[criterion.pk] = _("Enter a score from 0 to %(max)s.") % {
                "max": criterion.max_score
            }
        else:
            clean[criterion.pk] = value
    unknown = set(scores) - {c.pk for c in criteria}
    if unknown:
        raise ReviewRefused(_("The scores name criteria that are not in this round's rubric."))
    if errors:
        raise ReviewIncomplete(errors=errors)
    return clean


@transaction.atomic
def review_submit(
    *,
    assignment: ReviewAssignment,
    actor,
    scores: dict,
    comment: str = "",
    recommendation: str = "",
) -> Review:
    """Record the reviewer's scores (every criterion, 0 to its highest score), comment and
    optional recommendation. Submitting again replaces the review while the application is
    still in review."""
    # The settings lock first (the order every review service uses): the rubric cannot change
    # between reading its criteria and storing the scores.
    _locked_settings(assignment.cohort)
    # Lock the assignment row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join to a round (rows of round 1 have none).
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application", "round")
        .get(pk=assignment.pk)
    )
    _reviewable(assignment, actor)
    if recommendation and recommendation not in ReviewRecommendation.values:
        raise ReviewRefused(_("Choose one of the recommendations offered."))
    # The rubric of the assignment's own round (round 1's for rows without a round).
    criteria = review_criteria_of_assignment(assignment=assignment)
    clean = review_validate_scores(criteria=criteria, scores=scores)
    weighted = review_weighted_score(criteria=criteria, scores=clean)
    now = timezone.now()
    review = Review.objects.filter(assignment=assignment).first()
    resubmitted = review is not None
    if review is None:
        review = Review(assignment=assignment, submitted_at=now)
    review.weighted_score, review.comment = weighted, comment.strip()
    review.recommendation, review.updated_at = recommendation, now
    review.save()
    review.scores.all().delete()
    ReviewScore.objects.bulk_create(
        [ReviewScore(review=review, criterion_id=pk, score=value) for pk, value in clean.items()]
    )
    assignment.status = A.SUBMITTED
    assignment.submitted_at = assignment.submitted_at or now
    assignment.save(update_fields=["status", "submitted_at"])
    activity_log_record(
        actor=actor,
        obj=assignment,
        action_type=Activity.REVIEW_SUBMITTED,
        data={
            "application": assignment.application_id,
            "weighted_score": str(weighted),
            "resubmitted": resubmitted,
        },
    )
    return review


@transaction.atomic
def review_declare_conflict(
    *, assignment: ReviewAssignment, actor, reason: str
) -> ReviewAssignment:
    """The reviewer declares a conflict of interest: the assignment is freed (it no longer
    counts towards the application's reviewers, so automatic assignment replaces it) and
    this reviewer is never assigned the application again."""
    assignment = (
        ReviewAssignment.objects.select_for_update()
        .select_related("application")
        .get(pk=assignment.pk)
    )
    _reviewable(assignment, actor)
    reason = reason.strip()
    if not reason:
        raise ReviewRefused(_("Say briefly why you have a conflict of interest."))
    if len(reason) > MAX_CONFLICT_REASON:
        raise ReviewRefused(
            _("Keep the reason under %(max)s characters.") % {"max": MAX_CONFLICT_REASON}
        )
    previous = assignment.status
    assignment.status = A.CONFLICT
    assignment.conflict_reason = reason
    assignment.conflict_declared_at = timezone.now()
    assignment.save(update_fields=["status", "conflict_reason", "conflict_declared_at"])
    # The reason stays on the assignment for staff; the log only records that it happened.
    activity_log_record(
        actor=actor,
        obj=assignment,
        action_type=Activity.REVIEW_CONFLICT_DECLARED,
        data={"application": assignment.application_id, "from": previous},
    )
    return assignment


# --- Reviewer nudges --------------------------------------------------------------------------

NUDGE_WORKFLOW = "reviewer-nudge"
# (window, days before the due date): "overdue" is due on the day after the due date.
NUDGE_WINDOWS = (("3d", 3), ("overdue", -1))
_NUDGE_LEAD = dt.timedelta(days=max(days for _w, days in NUDGE_WINDOWS) + 1)
# Cohorts whose due date passed longer ago than this are no longer looked at.
_NUDGE_OVERDUE_HORIZON = dt.timedelta(days=30)


def reviewer_nudge_window(
    *, due_at: dt.datetime, time_zone: str, now: dt.datetime
) -> tuple[str, dt.datetime] | None:
    """The (window, its due time) the reminder is in at ``now`` for a reviewer in
    ``time_zone``, or None. ``3d`` runs from 09:00 local three days before the due date to
    the due time; ``overdue`` from 09:00 local on the day after the due date."""
    current = None
    for window, days in NUDGE_WINDOWS:
        due = reminder_due_at(deadline=due_at, days_before=days, time_zone=time_zone)
        # A reminder before the due date ends at it; the overdue one stays due a while.
        until = due_at if days > 0 else due_at + _NUDGE_OVERDUE_HORIZON
        if due <= now < until:
            current = (window, due)
    return current


def _round_due_at():
    """An assignment's due date: its round's own after round 1; round 1's (and rows without
    a round) are the cohort's review settings', which staff edit on the settings page and
    which round 1 follows (``_round_terms``)."""
    return Case(
        When(round__number__gt=1, then=F("round__due_at")),
        default=F("cohort__review_settings__due_at"),
        output_field=DateTimeField(),
    )


def reviewer_nudge_occasion(
    *, window: str, due_at: dt.datetime, round_number: int, cohort: Cohort
) -> str:
    """The window part of a nudge's key: the window, the due date's day and, after round 1,
    the round (``3d:2030-03-10`` in round 1, ``3d:2030-03-10:round-2`` in round 2). Round 1
    keeps the key it had before rounds were named in it, so nothing is sent twice; a later
    round due on the same day as an earlier one still gets its own nudges."""
    occasion = reminder_occasion(window=window, deadline=due_at, cohort=cohort)
    return occasion if round_number <= 1 else f"{occasion}:round-{round_number}"


@reminder_workflow(NUDGE_WORKFLOW)
def reviewer_nudges(now: dt.datetime) -> int:
    """One digest per reviewer and cohort with pending reviews, per window, counted from the
    due date of the round the reviews belong to. Only the current round's pending reviews
    count: an earlier round's are still in the reviewer's queue until its due date, but the
    digest follows the round reviewers were last asked to work in."""
    pending = list(
        review_in_current_round(
            ReviewAssignment.objects.filter(
                status=A.ASSIGNED,
                application__status__in=APPLICATION_REVIEWABLE,
                reviewer__is_active=True,
            )
        )
        .annotate(due=_round_due_at())
        .filter(due__gt=now - _NUDGE_OVERDUE_HORIZON, due__lte=now + _NUDGE_LEAD)
        .values_list("cohort_id", "reviewer_id", "assigned_at", "due", "round__number")
    )
    by_pair: dict[tuple[int, int], list[dt.datetime]] = defaultdict(list)
    due_of: dict[tuple[int, int], tuple[dt.datetime, int]] = {}
    for cohort_id, reviewer_id, assigned_at, due_at, round_number in pending:
        by_pair[(cohort_id, reviewer_id)].append(assigned_at)
        # One current round per cohort: one date and one round (no round is round 1).
        due_of[(cohort_id, reviewer_id)] = (due_at, round_number or 1)
    if not by_pair:
        return 0
    members = (
        ReviewerPoolMember.objects.filter(
            cohort_id__in={c for c, _r in by_pair},
            reviewer_id__in={r for _c, r in by_pair},
            is_active=True,
        )
        .select_related("reviewer", "cohort__program")
        .order_by("id")
    )
    due = []
    for member in members:
        assigned = by_pair.get((member.cohort_id, member.reviewer_id))
        if not assigned:
            continue
        due_at, round_number = due_of[(member.cohort_id, member.reviewer_id)]
        window = reviewer_nudge_window(due_at=due_at, time_zone=member.reviewer.time_zone, now=now)
        # Only assignments older than the window's time: a reviewer assigned since then has
        # just had the assignment email with the due date in it.
        if window is not None and any(at < window[1] for at in assigned):
            occasion = reviewer_nudge_occasion(
                window=window[0], due_at=due_at, round_number=round_number, cohort=member.cohort
            )
            due.append(
                (
                    member,
                    occasion,
                    partial(
                        reviewer_nudge_queue,
                        member=member,
                        window=occasion,
                        pending_count=len(assigned),
                        due_at=due_at,
                    ),
                )
            )
    return reminders_queue_due(workflow=NUDGE_WORKFLOW, due=due)


def reviewer_nudge_queue(
    *, member: ReviewerPoolMember, window: str, pending_count: int, due_at: dt.datetime
) -> OutgoingMail | None:
    """The nudge digest; ``due_at`` is the due date of the round the pending reviews are in."""
    reviewer, cohort = member.reviewer, member.cohort
    language = mail_language(recipient=reviewer)
    with translation.override(language):
        context = {
            "program_name": cohort.program.name,
            "cohort_name": cohort.name,
            "review_url": _review_url(cohort),
            "pending_count": pending_count,
            "due_date": mail_datetime_text(
                value=due_at, language=language, time_zone=reviewer.time_zone
            ),
        }
    return reminder_queue(
        workflow=NUDGE_WORKFLOW,
        window=window,
        obj=member,
        recipient=reviewer,
        template_key=MailTemplateKey.REVIEWER_NUDGE,
        context=context,
        cohort=cohort,
    )
