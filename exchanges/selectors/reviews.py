"""Reading review data, scoped by who asks: reviewers read only their own assignments, and
what they see of an application honours the cohort's blind mode."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from exchanges.enums import (
    APPLICATION_REVIEWABLE,
    REVIEW_ASSIGNMENT_ACTIVE,
    Country,
    DocumentKind,
    QuestionKind,
    ReviewAssignmentStatus,
    Role,
)
from exchanges.models import (
    Application,
    Cohort,
    CohortReviewSettings,
    Document,
    Question,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerConflict,
    ReviewerPoolMember,
    ReviewRound,
    ReviewScore,
)
from exchanges.selectors.applications import form_steps

A = ReviewAssignmentStatus
REVIEWER_ROLES = (Role.REVIEWER, Role.SECRETARIAT)
BLIND_WITHHELD_KINDS = frozenset({DocumentKind.CV, DocumentKind.RECOMMENDATION})


# --- Settings and rubric ----------------------------------------------------------------------


def review_settings_of(*, cohort: Cohort) -> CohortReviewSettings:
    """The cohort's settings, or unsaved defaults when staff never saved any."""
    found = CohortReviewSettings.objects.filter(cohort=cohort).first()
    return found or CohortReviewSettings(cohort=cohort)


def review_identifying_question_ids(*, review_settings: CohortReviewSettings) -> set[int]:
    if review_settings.pk is None:
        return set()
    return set(review_settings.identifying_questions.values_list("pk", flat=True))


def review_rubric_scope(review_round: ReviewRound | None, prefix: str = "") -> Q:
    """Criteria of ``review_round``'s rubric: round 1's are those without a round (or,
    written by hand, with round 1); a later round's are its own."""
    if review_round is None or review_round.number == 1:
        return Q(**{f"{prefix}round__isnull": True}) | Q(**{f"{prefix}round__number": 1})
    return Q(**{f"{prefix}round": review_round})


def review_criteria_of(
    *, cohort: Cohort, review_round: ReviewRound | None = None
) -> list[ReviewCriterion]:
    """The rubric of ``review_round`` (round 1 when None), in order (one query)."""
    return list(
        ReviewCriterion.objects.filter(review_rubric_scope(review_round), cohort=cohort).order_by(
            "position", "id"
        )
    )


def review_criteria_of_assignment(*, assignment: ReviewAssignment) -> list[ReviewCriterion]:
    """The rubric the assignment's reviewer scores against: its round's."""
    return review_criteria_of(cohort=assignment.cohort, review_round=assignment.round)


# --- Rounds ----------------------------------------------------------------------------------


def review_rounds_of(*, cohort: Cohort) -> list[ReviewRound]:
    """The cohort's review rounds, first to last (none until staff create one or assign)."""
    return list(ReviewRound.objects.filter(cohort=cohort).order_by("number"))


def review_round_current(*, cohort: Cohort) -> ReviewRound | None:
    """The cohort's highest-numbered round: the one reviewers work in."""
    return ReviewRound.objects.filter(cohort=cohort).order_by("-number").first()


def review_rounds_listed(*, cohort: Cohort) -> QuerySet[ReviewRound]:
    """The cohort's rounds, first to last, with how many applications advanced to each and
    how many reviewers it names (one query)."""
    return (
        ReviewRound.objects.filter(cohort=cohort)
        .annotate(
            advanced=Count("entries", distinct=True),
            named_reviewers=Count("reviewers", distinct=True),
        )
        .order_by("number")
    )


def review_round_of(*, cohort: Cohort, number: int) -> ReviewRound | None:
    return ReviewRound.objects.filter(cohort=cohort, number=number).first()


@dataclass(frozen=True)
class RoundStartWarning:
    """Why starting the next round now may be premature: the current round ``review_round``
    still has ``pending`` reviews, or (a round after round 1) ``advanced`` is 0."""

    review_round: ReviewRound
    pending: int
    advanced: int | None  # None for round 1, which reviews every application


def review_round_start_warning(*, cohort: Cohort) -> RoundStartWarning | None:
    """What staff should confirm before the next round starts (None: nothing). Two queries."""
    current = (
        ReviewRound.objects.filter(cohort=cohort)
        .annotate(entry_count=Count("entries"))
        .order_by("-number")
        .first()
    )
    pending = ReviewAssignment.objects.filter(
        review_in_round(current), cohort=cohort, status=A.ASSIGNED
    ).count()
    if current is None:
        if not pending:
            return None
        # Assignments made before rounds existed: they become round 1 when the next starts.
        current = ReviewRound(cohort=cohort, number=1)
    advanced = current.entry_count if current.number > 1 else None
    if not pending and advanced != 0:
        return None
    return RoundStartWarning(review_round=current, pending=pending, advanced=advanced)


def review_round_submitted_reviews(*, review_round: ReviewRound) -> int:
    """Reviews written in ``review_round`` (also of assignments removed since)."""
    return Review.objects.filter(
        review_in_round(review_round, "assignment__"), assignment__cohort=review_round.cohort_id
    ).count()


def review_in_round(review_round: ReviewRound | None, prefix: str = "") -> Q:
    """Assignments of ``review_round`` (None: a cohort without rounds, so all of them);
    assignments without a round count as round 1. ``prefix`` reaches the assignment from
    another model (``"assignment__"`` from ``Review``)."""
    if review_round is None:
        return Q()
    scope = Q(**{f"{prefix}round": review_round})
    if review_round.number == 1:
        scope |= Q(**{f"{prefix}round__isnull": True})
    return scope


def review_round_applications(*, review_round: ReviewRound | None, cohort: Cohort):
    """Submitted or under-review applications of the round: all of them in round 1 (or
    without rounds), the advanced ones later."""
    applications = Application.objects.filter(cohort=cohort, status__in=APPLICATION_REVIEWABLE)
    if review_round is not None and review_round.number > 1:
        applications = applications.filter(review_round_entries__round=review_round)
    return applications


# --- The reviewer's queue ---------------------------------------------------------------------


def review_in_current_round(
    qs: QuerySet[ReviewAssignment], *, also: Q | None = None
) -> QuerySet[ReviewAssignment]:
    """Only assignments of their cohort's current round (rows without a round count as
    round 1), or matching ``also`` (which may use the ``current_round_number`` and
    ``first_round_due_at`` annotations), found by subqueries in the same query."""
    current = ReviewRound.objects.filter(cohort=OuterRef("cohort")).order_by("-number")
    first = ReviewRound.objects.filter(cohort=OuterRef("cohort"), number=1)
    scope = Q(round_id=F("current_round_id")) | Q(round__isnull=True) & (
        Q(current_round_number__isnull=True) | Q(current_round_number=1)
    )
    return qs.annotate(
        current_round_id=Subquery(current.values("pk")[:1]),
        current_round_number=Subquery(current.values("number")[:1]),
        first_round_due_at=Subquery(first.values("due_at")[:1]),
    ).filter(scope | also if also is not None else scope)


def review_in_open_rounds(qs: QuerySet[ReviewAssignment]) -> QuerySet[ReviewAssignment]:
    """Assignments a reviewer still works on: every one of their cohort's current round, and
    those of an earlier round until that round's due date has passed (a round without one
    stays open). Starting the next round therefore does not take away reviews that are
    still due; a round past its due date is closed to its reviewers. Rows without a round
    belong to round 1 and take its due date. Subqueries in the same query."""
    now = timezone.now()
    earlier_open = Q(round__isnull=False, round__number__lt=F("current_round_number")) & (
        Q(round__due_at__isnull=True) | Q(round__due_at__gte=now)
    )
    earlier_open |= Q(round__isnull=True, current_round_number__gt=1) & (
        Q(first_round_due_at__isnull=True) | Q(first_round_due_at__gte=now)
    )
    return review_in_current_round(qs, also=earlier_open)


def _open_rounds_only(qs: QuerySet[ReviewAssignment], reviewer: User):
    """Only assignments of their cohort's open rounds (``review_in_open_rounds``), and in a
    screening round only applicants of the reviewer's own country."""
    return review_in_open_rounds(qs).filter(
        Q(round__isnull=True)
        | Q(round__own_country_only=False)
        | Q(application__country=reviewer.country or "-")
    )


def review_queue(*, reviewer: User, cohort_id: int | None = None) -> QuerySet[ReviewAssignment]:
    """The reviewer's own assignments (removed ones left out), unfinished ones first, each
    with what the queue shows in the same query."""
    qs = (
        ReviewAssignment.objects.filter(reviewer=reviewer)
        .exclude(status=A.REMOVED)
        .select_related(
            "application__applicant",
            "cohort__program",
            "cohort__review_settings",
            "review",
            "round",
        )
        .annotate(
            pending_order=Case(
                When(status=A.ASSIGNED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    )
    qs = _open_rounds_only(qs, reviewer)
    if cohort_id:
        qs = qs.filter(cohort_id=cohort_id)
    return qs.order_by("pending_order", "assigned_at", "id")


def review_queue_cohorts(*, reviewer: User) -> QuerySet[Cohort]:
    """Cohorts the reviewer has assignments in (for the queue's filter)."""
    return (
        Cohort.objects.filter(
            pk__in=ReviewAssignment.objects.filter(reviewer=reviewer)
            .exclude(status=A.REMOVED)
            .values("cohort_id")
        )
        .select_related("program")
        .order_by("-starts_on", "id")
    )


def review_assignment_for_reviewer(*, reviewer: User, pk: int) -> ReviewAssignment | None:
    """The reviewer's own assignment ``pk`` in an open round of their cohort, or None
    (someone else's, removed, of a closed earlier round or, in a screening round, of another
    country's applicant, or missing)."""
    return (
        _open_rounds_only(ReviewAssignment.objects.filter(reviewer=reviewer, pk=pk), reviewer)
        .exclude(status=A.REMOVED)
        .select_related("application__applicant", "cohort__program", "review", "round")
        .first()
    )


def review_scores_of(*, assignment: ReviewAssignment) -> dict[int, int]:
    if not hasattr(assignment, "review"):
        return {}
    return dict(
        ReviewScore.objects.filter(review=assignment.review).values_list("criterion_id", "score")
    )


# --- What a reviewer may see of an application ------------------------------------------------


@dataclass
class ReviewDocument:
    pk: int
    label: str
    size: int


@dataclass
class ReviewRow:
    label: str
    value: str = ""
    hidden: bool = False
    documents: list[ReviewDocument] = field(default_factory=list)


@dataclass
class ReviewMaterial:
    """The application as the reviewer sees it: profile, answers by step, documents."""

    blind: bool
    profile: list[ReviewRow]
    sections: list[tuple[str, list[ReviewRow]]]
    letters: list[ReviewDocument]
    hidden_document_ids: set[int]


def _option_label(question: Question, value, language: str) -> str:
    for option in question.options or ():
        if str(option.get("value")) == str(value):
            return option.get(language) or option.get("en") or str(value)
    return str(value)


def answer_text(question: Question, value) -> str:
    """An answer as plain text in the active language (option labels, not their values)."""
    if value is None or value in ("", []):
        return ""
    language = (get_language() or "en").split("-")[0]
    if question.kind in {QuestionKind.SINGLE_CHOICE, QuestionKind.LIKERT}:
        return _option_label(question, value, language)
    if question.kind == QuestionKind.MULTIPLE_CHOICE and isinstance(value, list):
        return ", ".join(_option_label(question, item, language) for item in value)
    if question.kind == QuestionKind.CONSENT:
        return _("Yes") if value else _("No")
    if question.kind == QuestionKind.DATE:
        # Stored as ISO 8601; shown like every other date of the page ("2027年7月1日").
        try:
            return formats.date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT")
        except ValueError:
            return str(value)
    return str(value)


def _document_label(document: Document, number: int, blind: bool) -> str:
    if not blind:
        return document.original_name
    kind = DocumentKind(document.kind).label if document.kind in DocumentKind.values else ""
    return _("%(kind)s (document %(number)s)") % {"kind": kind, "number": number}


def review_document_filename(*, document: Document, blind: bool) -> str:
    """The download name, made by the server for every download, so it says nothing about
    the applicant in blind mode either (``cv-42.pdf``)."""
    return document.download_name


def review_material(*, assignment: ReviewAssignment) -> ReviewMaterial:
    """What the assigned reviewer may see (a fixed number of queries). Blind mode hides the
    name, email, institution, date of birth, answers to identifying questions with their
    files, CVs and recommendation letters (their content names the applicant), and every
    other file's name."""
    application = assignment.application
    review_settings = review_settings_of(cohort=assignment.cohort)
    blind = review_settings.blind
    hidden_questions = (
        review_identifying_question_ids(review_settings=review_settings) if blind else set()
    )
    applicant = application.applicant
    countries = dict(Country.choices)
    identifying = [
        (_("Name"), applicant.display_name),
        (_("Email"), applicant.email),
        (_("Institution"), application.institution),
        (
            _("Date of birth"),
            formats.date_format(application.birth_date, "DATE_FORMAT")
            if application.birth_date
            else "",
        ),
    ]
    # In blind mode the values are never put in the page, not merely left unrendered.
    profile = [
        ReviewRow(label, "" if blind else value, hidden=blind) for label, value in identifying
    ]
    profile += [
        ReviewRow(_("Country"), str(countries.get(application.country, application.country))),
        ReviewRow(_("Sector"), application.get_sector_display()),
    ]
    answers = dict(application.answers.values_list("question_id", "value"))
    documents = list(Document.objects.filter(application=application).order_by("uploaded_at", "id"))
    numbers = {doc.pk: number for number, doc in enumerate(documents, start=1)}
    # A CV or a recommendation letter names the applicant in its content, whatever its file
    # is called: blind mode withholds them, like the files of identifying questions.
    hidden_documents = {
        doc.pk
        for doc in documents
        if doc.question_id in hidden_questions or (blind and doc.kind in BLIND_WITHHELD_KINDS)
    }
    sections = []
    for step in form_steps(cohort=assignment.cohort):
        rows = []
        for question in step.questions.all():
            hidden = question.pk in hidden_questions
            rows.append(
                ReviewRow(
                    question.label,
                    "" if hidden else answer_text(question, answers.get(question.pk)),
                    hidden=hidden,
                    documents=[]
                    if hidden
                    else [
                        ReviewDocument(
                            doc.pk, _document_label(doc, numbers[doc.pk], blind), doc.size
                        )
                        for doc in documents
                        if doc.question_id == question.pk and doc.pk not in hidden_documents
                    ],
                )
            )
        sections.append((step.title, rows))
    letters = [
        ReviewDocument(doc.pk, _document_label(doc, numbers[doc.pk], blind), doc.size)
        for doc in documents
        if doc.question_id is None and doc.pk not in hidden_documents
    ]
    return ReviewMaterial(
        blind=blind,
        profile=profile,
        sections=sections,
        letters=letters,
        hidden_document_ids=hidden_documents,
    )


# --- Staff: pool, progress, an application's reviews ------------------------------------------


def review_pool_of(*, cohort: Cohort) -> QuerySet[ReviewerPoolMember]:
    """Active pool members with their organisation and declared institutions."""
    return (
        ReviewerPoolMember.objects.filter(cohort=cohort, is_active=True)
        .select_related("reviewer__organisation")
        .prefetch_related(
            Prefetch(
                "reviewer__review_conflicts",
                queryset=ReviewerConflict.objects.order_by("institution"),
            )
        )
        .order_by("reviewer__family_name", "reviewer__given_name", "id")
    )


def review_candidates_for_pool(*, cohort: Cohort) -> QuerySet[User]:
    """Reviewers and secretariat staff not (or no longer) in the cohort's pool."""
    return (
        User.objects.filter(role__in=REVIEWER_ROLES, is_active=True)
        .exclude(
            pk__in=ReviewerPoolMember.objects.filter(cohort=cohort, is_active=True).values(
                "reviewer_id"
            )
        )
        .order_by("family_name", "given_name", "id")
    )


def review_progress(*, cohort: Cohort, viewer: User) -> QuerySet[ReviewerPoolMember]:
    """Pool members (current, or past ones with assignments) with their counts, in one query.

    Partner staff count only applications of their country.
    """
    scope = Q(reviewer__review_assignments__cohort=cohort)
    if viewer.role == Role.PARTNER_STAFF:
        scope &= Q(reviewer__review_assignments__application__country=viewer.partner_country)

    def count(*statuses) -> Count:
        return Count(
            "reviewer__review_assignments",
            filter=scope & Q(reviewer__review_assignments__status__in=statuses),
        )

    return (
        ReviewerPoolMember.objects.filter(cohort=cohort)
        .select_related("reviewer")
        .annotate(
            assigned=count(*REVIEW_ASSIGNMENT_ACTIVE),
            submitted=count(A.SUBMITTED),
            pending=count(A.ASSIGNED),
            conflicts=count(A.CONFLICT),
        )
        .filter(Q(is_active=True) | Q(assigned__gt=0) | Q(conflicts__gt=0))
        .order_by("reviewer__family_name", "reviewer__given_name", "id")
    )


def review_application_counts(
    *,
    cohort: Cohort,
    per_application: int,
    viewer: User | None = None,
    review_round: ReviewRound | None = None,
) -> dict[str, int]:
    """Reviewable applications of ``review_round`` (None: a cohort without rounds), and how
    many lack reviewers in it (two queries)."""
    reviewable = review_round_applications(review_round=review_round, cohort=cohort)
    if viewer is not None and viewer.role == Role.PARTNER_STAFF:
        reviewable = reviewable.filter(country=viewer.partner_country)
    full = (
        ReviewAssignment.objects.filter(
            review_in_round(review_round),
            application__in=reviewable,
            status__in=REVIEW_ASSIGNMENT_ACTIVE,
        )
        .values("application_id")
        .annotate(n=Count("id"))
        .filter(n__gte=per_application)
        .count()
    )
    total = reviewable.count()
    return {"reviewable": total, "lacking": total - full}


@dataclass
class ApplicationReviews:
    assignments: list[ReviewAssignment]
    criteria: list[ReviewCriterion]
    mean: Decimal | None
    submitted: int
    candidates: list[ReviewerPoolMember]


def review_summary_for_application(*, application: Application) -> ApplicationReviews:
    """The application's assignments with reviews and scores, the mean weighted score of the
    submitted reviews, and the pool members who could still be assigned by hand."""
    assignments = list(
        ReviewAssignment.objects.filter(application=application)
        .select_related("reviewer", "review")
        .prefetch_related(
            Prefetch(
                "review__scores",
                queryset=ReviewScore.objects.order_by("criterion__position", "criterion_id"),
            )
        )
        .order_by("assigned_at", "id")
    )
    scores = [
        a.review.weighted_score
        for a in assignments
        if a.status == A.SUBMITTED and hasattr(a, "review")
    ]
    mean = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None
    taken = {a.reviewer_id for a in assignments if a.status != A.REMOVED}
    candidates = [
        m
        for m in ReviewerPoolMember.objects.filter(cohort_id=application.cohort_id, is_active=True)
        .select_related("reviewer")
        .order_by("reviewer__family_name", "reviewer__given_name", "id")
        if m.reviewer_id not in taken and m.reviewer_id != application.applicant_id
    ]
    for assignment in assignments:
        review = getattr(assignment, "review", None)
        assignment.score_map = (
            {s.criterion_id: s.score for s in review.scores.all()} if review is not None else {}
        )
    # Round 1's rubric, and those of the later rounds the application was reviewed in.
    later = {a.round_id for a in assignments if a.round_id is not None}
    criteria = list(
        ReviewCriterion.objects.filter(
            review_rubric_scope(None) | Q(round_id__in=later, round__number__gt=1),
            cohort_id=application.cohort_id,
        )
        .select_related("round")
        .order_by(F("round__number").asc(nulls_first=True), "position", "id")
    )
    return ApplicationReviews(
        assignments=assignments,
        criteria=criteria,
        mean=mean,
        submitted=len(scores),
        candidates=candidates,
    )
