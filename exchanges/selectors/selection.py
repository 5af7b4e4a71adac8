"""Selection: normalised scores, rankings and the quota-aware selection proposal of a cohort.

Everything here is computed from the submitted reviews in a fixed number of queries,
whatever the cohort's size: reviewer statistics and the cohort's overall mean and spread are
database aggregates, the per-review scores one ``values_list``.

Normalisation (per reviewer, so a harsh reviewer does not sink an applicant). For a review
with weighted score x (0–100) by reviewer r::

    normalised = M + S × (x − m_r) / s_r, kept within 0–100

where m_r and s_r are the mean and sample standard deviation of r's weighted scores in the
cohort, and M and S the mean and sample standard deviation of every weighted score in the
cohort. A reviewer with fewer than ``MIN_REVIEWS_TO_NORMALISE`` reviews, or whose scores do
not vary (s_r = 0), is left unnormalised (normalised = x) and flagged; so is everyone when
the cohort has fewer than two reviews or no spread at all.

Per application: the raw score is the mean of its reviews' weighted scores, the normalised
score the mean of their normalised scores, and it is flagged as a disagreement when its
highest and lowest weighted scores differ by more than the cohort's threshold.

Everything is per review round: the statistics, the spread and the scores use only the
round's reviews, and the applications are the round's (all of them in round 1, those staff
advanced in a later round). Without a round given, the cohort's current (last) round is used,
found inside the same queries.

Rankings order by the cohort's chosen score (``SelectionSettings.rank_by``), highest first.
Ties are broken, in this order, by: the other score (higher first), more reviews, earlier
submission, lower application number. Scores are compared rounded to four decimal places,
so the order never depends on floating-point noise.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import User
from exchanges.enums import (
    APPLICATION_HOLDING_SEAT,
    APPLICATION_REVIEWABLE,
    REVIEW_ASSIGNMENT_ACTIVE,
    ApplicationStatus,
    ReviewAssignmentStatus,
    Role,
    Sector,
    SelectionMoveDirection,
    SelectionRankBy,
    country_label,
)
from exchanges.models import (
    Application,
    Cohort,
    CohortQuota,
    Review,
    ReviewAssignment,
    ReviewRound,
    ReviewRoundEntry,
    SelectionMove,
    SelectionSettings,
)
from exchanges.selectors.reviews import review_in_round
from exchanges.validators import validate_sector_targets

MIN_REVIEWS_TO_NORMALISE = 3
SCALE_MIN, SCALE_MAX = 0.0, 100.0
IN, OUT = SelectionMoveDirection.IN, SelectionMoveDirection.OUT


def selection_settings_of(*, cohort: Cohort) -> SelectionSettings:
    """The cohort's settings, or unsaved defaults when staff never saved any."""
    found = SelectionSettings.objects.filter(cohort=cohort).first()
    return found or SelectionSettings(cohort=cohort)


# --- Scores -----------------------------------------------------------------------------------


@dataclass
class ReviewerStats:
    reviewer_id: int
    reviews: int
    mean: float
    sd: float | None

    @property
    def normalised(self) -> bool:
        return self.reviews >= MIN_REVIEWS_TO_NORMALISE and bool(self.sd)


@dataclass
class ApplicationScore:
    application_id: int
    country: str
    sector: str
    submitted_at: object
    status: str
    reviews: int = 0
    raw: float | None = None
    normalised: float | None = None
    spread: float | None = None
    disagreement: bool = False
    unnormalised: bool = False  # a review by a reviewer left unnormalised counts in it
    score: float | None = None  # the one the cohort ranks by
    rank: int | None = None  # within the country

    @property
    def sort_key(self) -> tuple:
        other = self.raw if self.score == self.normalised else self.normalised
        return (
            self.score is None,
            -round(self.score or 0, 4),
            -round(other or 0, 4),
            -self.reviews,
            self.submitted_at.timestamp() if self.submitted_at else math.inf,
            self.application_id,
        )


# Below this a standard deviation is zero: floating-point leftovers of equal scores.
_NO_SPREAD = 1e-9


def _moments() -> dict:
    """Count, sum and sum of squares of the weighted scores: the mean and sample standard
    deviation follow, on every database (SQLite's STDDEV_SAMP fails on a single row)."""
    return {
        "n": Count("id"),
        "total": Sum(ExpressionWrapper(F("weighted_score") * 1.0, output_field=FloatField())),
        "squares": Sum(
            ExpressionWrapper(
                F("weighted_score") * F("weighted_score") * 1.0, output_field=FloatField()
            )
        ),
    }


def _mean_sd(row: dict) -> tuple[float | None, float | None]:
    n = row["n"]
    if not n:
        return None, None
    total, squares = float(row["total"]), float(row["squares"])
    mean = total / n
    if n < 2:
        return mean, None
    variance = max(0.0, (squares - total * total / n) / (n - 1))
    sd = math.sqrt(variance)
    return mean, 0.0 if sd < _NO_SPREAD else sd


def _round_scope(cohort: Cohort, review_round: ReviewRound | None) -> tuple[Q, Q]:
    """(reviews, applications) of ``review_round``, or of the cohort's current round, found
    by subqueries so that no query is added. Assignments without a round are round 1's."""
    if review_round is not None:
        if review_round.number == 1:
            return review_in_round(review_round, "assignment__"), Q()
        return review_in_round(review_round, "assignment__"), Q(
            Exists(ReviewRoundEntry.objects.filter(round=review_round, application=OuterRef("pk")))
        )
    rounds = ReviewRound.objects.filter(cohort=cohort)
    current = rounds.order_by("-number").values("pk")[:1]
    later = Exists(rounds.filter(number__gt=1))
    reviews = Q(assignment__round_id=Subquery(current)) | Q(~later, assignment__round__isnull=True)
    applications = ~later | Q(
        Exists(
            ReviewRoundEntry.objects.filter(round_id=Subquery(current), application=OuterRef("pk"))
        )
    )
    return reviews, applications


def _submitted_reviews(cohort: Cohort, review_round: ReviewRound | None = None):
    return Review.objects.filter(
        _round_scope(cohort, review_round)[0],
        assignment__cohort=cohort,
        assignment__status=ReviewAssignmentStatus.SUBMITTED,
    )


def reviewer_statistics(
    *, cohort: Cohort, review_round: ReviewRound | None = None
) -> dict[int, ReviewerStats]:
    """Each reviewer's count, mean and sample standard deviation in the round (one query)."""
    rows = (
        _submitted_reviews(cohort, review_round)
        .values("assignment__reviewer_id")
        .annotate(**_moments())
        .order_by("assignment__reviewer_id")
    )
    result = {}
    for row in rows:
        mean, sd = _mean_sd(row)
        reviewer_id = row["assignment__reviewer_id"]
        result[reviewer_id] = ReviewerStats(
            reviewer_id=reviewer_id, reviews=row["n"], mean=mean, sd=sd
        )
    return result


def cohort_score_spread(
    *, cohort: Cohort, review_round: ReviewRound | None = None
) -> tuple[float | None, float | None]:
    """(M, S): the mean and sample standard deviation of every weighted score of the round."""
    return _mean_sd(_submitted_reviews(cohort, review_round).aggregate(**_moments()))


def normalise_score(*, x: float, stats: ReviewerStats, mean: float, sd: float | None) -> float:
    """The formula of the module docstring; x itself for an unnormalised reviewer."""
    if not stats.normalised or not sd:
        return x
    value = mean + sd * (x - stats.mean) / stats.sd
    return min(SCALE_MAX, max(SCALE_MIN, value))


def selection_scores(
    *, cohort: Cohort, viewer: User | None = None, review_round: ReviewRound | None = None
) -> list[ApplicationScore]:
    """Every undecided (submitted or under review) application of the round with its
    scores and flags, unordered; partner staff get only their country's (four queries)."""
    selection_settings = selection_settings_of(cohort=cohort)
    threshold = float(selection_settings.disagreement_threshold)
    stats = reviewer_statistics(cohort=cohort, review_round=review_round)
    mean, sd = cohort_score_spread(cohort=cohort, review_round=review_round)
    applications = Application.objects.filter(
        _round_scope(cohort, review_round)[1], cohort=cohort, status__in=APPLICATION_REVIEWABLE
    )
    if viewer is not None and viewer.role == Role.PARTNER_STAFF:
        applications = applications.filter(country=viewer.partner_country)
    scores = {
        pk: ApplicationScore(
            application_id=pk,
            country=country,
            sector=sector,
            submitted_at=submitted_at,
            status=status,
        )
        for pk, country, sector, submitted_at, status in applications.values_list(
            "pk", "country", "sector", "submitted_at", "status"
        )
    }
    by_application: dict[int, list[tuple[float, float, bool]]] = defaultdict(list)
    for application_id, reviewer_id, x in (
        _submitted_reviews(cohort, review_round)
        .filter(assignment__application__in=applications)
        .values_list("assignment__application_id", "assignment__reviewer_id", "weighted_score")
    ):
        reviewer = stats[reviewer_id]
        value = float(x)
        by_application[application_id].append(
            (
                value,
                normalise_score(x=value, stats=reviewer, mean=mean, sd=sd),
                reviewer.normalised and bool(sd),
            )
        )
    by_normalised = selection_settings.rank_by == SelectionRankBy.NORMALISED
    for application_id, reviews in by_application.items():
        item = scores.get(application_id)
        if item is None:
            continue
        raws = [r for r, _n, _ok in reviews]
        item.reviews = len(reviews)
        item.raw = sum(raws) / len(raws)
        item.normalised = sum(n for _r, n, _ok in reviews) / len(reviews)
        item.spread = max(raws) - min(raws)
        item.disagreement = item.spread > threshold
        item.unnormalised = not all(ok for _r, _n, ok in reviews)
        item.score = item.normalised if by_normalised else item.raw
    return list(scores.values())


def selection_ranking(
    *,
    cohort: Cohort,
    viewer: User | None = None,
    country: str = "",
    sector: str = "",
    review_round: ReviewRound | None = None,
) -> list[ApplicationScore]:
    """The round's ranked applications (per country ``rank``), optionally of one country or
    sector; unreviewed applications last, unranked."""
    scores = sorted(
        selection_scores(cohort=cohort, viewer=viewer, review_round=review_round),
        key=lambda s: s.sort_key,
    )
    ranks: dict[str, int] = defaultdict(int)
    for item in scores:
        if item.score is not None:
            ranks[item.country] += 1
            item.rank = ranks[item.country]
    return [
        item
        for item in scores
        if (not country or item.country == country) and (not sector or item.sector == sector)
    ]


def selection_round_top(
    *, review_round: ReviewRound, per_country: int, viewer: User | None = None
) -> list[ApplicationScore]:
    """The ``per_country`` best-ranked reviewed applications of each country in
    ``review_round`` (what "advance the top k per country" takes to the next round), in
    ranking order; ties follow the ranking's tie-break, so exactly k per country at most."""
    ranked = selection_ranking(cohort=review_round.cohort, viewer=viewer, review_round=review_round)
    return [item for item in ranked if item.rank is not None and item.rank <= per_country]


def selection_round_progress(*, cohort: Cohort, viewer: User | None = None) -> list[dict]:
    """Per round (assignments without a round counted in round 1): assigned, submitted,
    pending and conflicts (one query)."""
    assignments = ReviewAssignment.objects.filter(cohort=cohort).exclude(
        status=ReviewAssignmentStatus.REMOVED
    )
    if viewer is not None and viewer.role == Role.PARTNER_STAFF:
        assignments = assignments.filter(application__country=viewer.partner_country)
    rows = list(
        assignments.annotate(number=Coalesce("round__number", Value(1)))
        .values("number")
        .annotate(
            assigned=Count("id", filter=Q(status__in=REVIEW_ASSIGNMENT_ACTIVE)),
            submitted=Count("id", filter=Q(status=ReviewAssignmentStatus.SUBMITTED)),
            pending=Count("id", filter=Q(status=ReviewAssignmentStatus.ASSIGNED)),
            conflicts=Count("id", filter=Q(status=ReviewAssignmentStatus.CONFLICT)),
        )
        .order_by("number")
    )
    return rows


# --- The proposal -----------------------------------------------------------------------------


@dataclass
class UnmetTarget:
    sector: str
    target: int
    reached: int
    reason: str

    @property
    def label(self) -> str:
        return str(dict(Sector.choices).get(self.sector, self.sector))


@dataclass
class CountryProposal:
    country: str
    seats: int | None  # None: the cohort has no quota for the country
    taken: int  # seats already held (offers out and accepted)
    selected: list[ApplicationScore] = field(default_factory=list)
    waitlist: list[ApplicationScore] = field(default_factory=list)
    rest: list[ApplicationScore] = field(default_factory=list)  # proposed for rejection
    unreviewed: list[ApplicationScore] = field(default_factory=list)

    @property
    def free(self) -> int:
        return max(0, (self.seats or 0) - self.taken)

    @property
    def label(self) -> str:
        return country_label(self.country)


@dataclass
class Proposal:
    countries: list[CountryProposal]
    sector_fill: list[dict]
    unmet: list[UnmetTarget]
    moved_in: set[int]
    moved_out: set[int]
    # The cohort's stored sector targets are malformed (saved before they were validated) and
    # were left aside: the pages say so instead of failing.
    targets_ignored: bool = False

    def country(self, code: str) -> CountryProposal | None:
        return next((c for c in self.countries if c.country == code), None)

    def placement(self) -> dict[int, str]:
        """Application id → "selected", "waitlist", "rest" or "unreviewed"."""
        result = {}
        for country in self.countries:
            for name in ("selected", "waitlist", "rest", "unreviewed"):
                for item in getattr(country, name):
                    result[item.application_id] = name
        return result


def _seat_counts(
    cohort: Cohort,
) -> tuple[dict[str, CohortQuota], dict[str, int], dict[str, int], dict[str, int]]:
    """Quotas, seats taken and waiting-list lengths per country, and seats held per sector."""
    quotas = {q.country: q for q in CohortQuota.objects.filter(cohort=cohort)}
    taken, waiting, sectors = defaultdict(int), defaultdict(int), defaultdict(int)
    for country, sector, status, n in (
        Application.objects.filter(
            cohort=cohort,
            status__in=[*APPLICATION_HOLDING_SEAT, ApplicationStatus.WAITLISTED],
        )
        .values_list("country", "sector", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if status == ApplicationStatus.WAITLISTED:
            waiting[country] += n
        else:
            taken[country] += n
            sectors[sector] += n
    return quotas, taken, waiting, sectors


def selection_proposal(
    *, cohort: Cohort, viewer: User | None = None, review_round: ReviewRound | None = None
) -> Proposal:
    """The proposed selection (a fixed number of queries; see the module docstring for the
    scores). Computed on every country, so that sector targets are shared fairly, then cut
    to the viewer's country for partner staff.

    1. Applications staff moved in are selected first (the move service keeps them within
       the country's free seats); those moved out are never selected.
    2. Each sector target (``Cohort.sector_targets``, ``{sector: seats}``; seats already held
       count) is then met, sector by sector in alphabetical order, from the best-ranked
       applicants of the sector in any country that still has a free seat. A target that
       cannot be met is reported with the reason: too few reviewed applicants, or no free
       seats left in the countries that have them.
    3. Each country's remaining free seats go down its ranking.
    4. The rest of each ranking, in order (those moved out included), is the proposed waiting
       list up to the free places of the country's list (all when its size is unlimited);
       what does not fit is proposed for rejection. Unreviewed applications are left aside.

    It ranks by ``review_round``'s scores: by default the cohort's last round, so only the
    applications that reached it are proposed.
    """
    ranked = selection_ranking(cohort=cohort, review_round=review_round)
    quotas, taken, waiting, sector_held = _seat_counts(cohort)
    moves = dict(
        SelectionMove.objects.filter(cohort=cohort).values_list("application_id", "direction")
    )
    moved_in = {pk for pk, d in moves.items() if d == IN}
    moved_out = {pk for pk, d in moves.items() if d == OUT}
    countries = sorted({item.country for item in ranked} | set(quotas))
    proposals = {
        code: CountryProposal(
            country=code,
            seats=quotas[code].seats if code in quotas else None,
            taken=taken[code],
        )
        for code in countries
    }
    free = {code: proposals[code].free for code in countries}
    chosen: set[int] = set()
    sector_count = defaultdict(int, sector_held)

    def select(item: ApplicationScore) -> None:
        chosen.add(item.application_id)
        free[item.country] -= 1
        sector_count[item.sector] += 1

    scored = [item for item in ranked if item.score is not None]
    for item in scored:
        if item.application_id in moved_in and free[item.country] > 0:
            select(item)
    unmet = []
    targets, targets_ignored = _sector_targets(cohort)
    for sector in sorted(targets):
        target = targets[sector]
        candidates = [i for i in scored if i.sector == sector and i.application_id not in moved_out]
        for item in candidates:
            if sector_count[sector] >= target:
                break
            if item.application_id not in chosen and free[item.country] > 0:
                select(item)
        if sector_count[sector] < target:
            missing = target - sector_count[sector]
            unused = [i for i in candidates if i.application_id not in chosen]
            if len(unused) < missing:
                reason = _(
                    "Only %(count)s more reviewed applicant(s) in this sector could be chosen."
                ) % {"count": len(unused)}
            else:
                full = sorted({country_label(i.country) for i in unused})
                reason = _(
                    "No seats are left in %(countries)s, where its other applicants are."
                ) % {"countries": ", ".join(full)}
            unmet.append(
                UnmetTarget(
                    sector=sector, target=target, reached=sector_count[sector], reason=reason
                )
            )
    for item in scored:
        if (
            item.application_id not in chosen
            and item.application_id not in moved_out
            and free[item.country] > 0
        ):
            select(item)
    for item in ranked:
        proposal = proposals[item.country]
        if item.score is None:
            proposal.unreviewed.append(item)
        elif item.application_id in chosen:
            proposal.selected.append(item)
        else:
            quota = quotas.get(item.country)
            room = (
                None
                if quota is None or not quota.waitlist_size
                else max(0, quota.waitlist_size - waiting[item.country])
            )
            if room is None or len(proposal.waitlist) < room:
                proposal.waitlist.append(item)
            else:
                proposal.rest.append(item)
    sector_fill = [
        {
            "sector": sector,
            "label": str(dict(Sector.choices).get(sector, sector)),
            "target": target,
            "reached": sector_count[sector],
        }
        for sector, target in sorted(targets.items())
    ]
    shown = list(proposals.values())
    if viewer is not None and viewer.role == Role.PARTNER_STAFF:
        shown = [p for p in shown if p.country == viewer.partner_country]
    return Proposal(
        countries=shown,
        sector_fill=sector_fill,
        unmet=unmet,
        moved_in=moved_in,
        moved_out=moved_out,
        targets_ignored=targets_ignored,
    )


def _sector_targets(cohort: Cohort) -> tuple[dict[str, int], bool]:
    """The cohort's positive sector targets, and whether a malformed stored value (a list, an
    unknown sector, a negative or non-numeric target) was treated as no targets."""
    value = cohort.sector_targets or {}
    try:
        validate_sector_targets(value)
    except ValidationError:
        return {}, True
    return {sector: seats for sector, seats in value.items() if seats > 0}, False


def selection_applications(*, ids: list[int]) -> dict[int, Application]:
    """The applications behind a page of scores, with what the pages show (one query)."""
    return {a.pk: a for a in Application.objects.filter(pk__in=ids).select_related("applicant")}


def selection_reviewer_distribution(
    *, cohort: Cohort, viewer: User | None = None, review_round: ReviewRound | None = None
) -> list[dict]:
    """Per reviewer: count, mean, sample standard deviation, lowest and highest weighted
    score (one query), harshest (lowest mean) first. Partner staff: reviews of their
    country's applications only."""
    reviews = _submitted_reviews(cohort, review_round)
    if viewer is not None and viewer.role == Role.PARTNER_STAFF:
        reviews = reviews.filter(assignment__application__country=viewer.partner_country)
    rows = list(
        reviews.values(
            "assignment__reviewer_id",
            "assignment__reviewer__given_name",
            "assignment__reviewer__family_name",
        )
        .annotate(
            **_moments(),
            low=Min("weighted_score"),
            high=Max("weighted_score"),
        )
        .order_by("assignment__reviewer_id")
    )
    for row in rows:
        row["name"] = " ".join(
            part
            for part in (
                row["assignment__reviewer__given_name"],
                row["assignment__reviewer__family_name"],
            )
            if part
        )
        row["mean"], row["sd"] = _mean_sd(row)
        row["normalised"] = row["n"] >= MIN_REVIEWS_TO_NORMALISE and bool(row["sd"])
    rows.sort(key=lambda row: (row["mean"], row["assignment__reviewer_id"]))
    return rows


def selection_country_progress(*, cohort: Cohort, viewer: User | None = None) -> list[dict]:
    """Per country: assignments, submitted reviews and pending ones (one query)."""
    assignments = ReviewAssignment.objects.filter(cohort=cohort).exclude(
        status=ReviewAssignmentStatus.REMOVED
    )
    if viewer is not None and viewer.role == Role.PARTNER_STAFF:
        assignments = assignments.filter(application__country=viewer.partner_country)
    rows = list(
        assignments.values("application__country")
        .annotate(
            assigned=Count("id", filter=Q(status__in=REVIEW_ASSIGNMENT_ACTIVE)),
            submitted=Count("id", filter=Q(status=ReviewAssignmentStatus.SUBMITTED)),
            pending=Count("id", filter=Q(status=ReviewAssignmentStatus.ASSIGNED)),
            conflicts=Count("id", filter=Q(status=ReviewAssignmentStatus.CONFLICT)),
        )
        .order_by("application__country")
    )
    for row in rows:
        row["country"] = row["application__country"]
        row["label"] = country_label(row["country"])
    return rows


def selection_disagreements(
    *, cohort: Cohort, viewer: User | None = None, review_round: ReviewRound | None = None
) -> list[ApplicationScore]:
    """Applications whose reviewers disagree in the round, widest spread first."""
    items = [
        s
        for s in selection_scores(cohort=cohort, viewer=viewer, review_round=review_round)
        if s.disagreement
    ]
    return sorted(items, key=lambda s: (-(s.spread or 0), s.application_id))


def selection_decidable(*, cohort: Cohort, viewer: User, ids: list[int]) -> list[Application]:
    """The undecided applications among ``ids`` the viewer may decide on, in id order."""
    qs = Application.objects.filter(cohort=cohort, pk__in=ids, status__in=APPLICATION_REVIEWABLE)
    if viewer.role == Role.PARTNER_STAFF:
        qs = qs.filter(country=viewer.partner_country)
    return list(qs.select_related("applicant", "cohort__program").order_by("id"))
