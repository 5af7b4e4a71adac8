"""Reading applications, always scoped by what the viewer may see."""

import json
from dataclasses import dataclass

from django.db import NotSupportedError
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from exchanges.enums import ApplicationStatus, CohortStatus, ReviewAssignmentStatus, Role
from exchanges.models import (
    Answer,
    Application,
    Cohort,
    Document,
    FormStep,
    Question,
    RefereeRequest,
    Review,
)

# Partner organisations see an applicant's personal data only with the applicant's consent,
# given on the apply form (``Application.shares_with_partners``). Every query a partner's page,
# export or API key reads applications through starts from a selector below that adds it.
PARTNER_CONSENT = Q(shares_with_partners=True)


# What partners see of a person on the pages, exports and API resources that list people of
# several countries (matching groups, pairing rules, hosts, mentors, selection lists). One
# function decides it, so no page keeps a rule of its own:
#
# - the secretariat sees everyone in full;
# - a partner sees its own country's people in full when they consented to sharing with
#   partners (``PARTNER_CONSENT``), and otherwise only as a numbered reference;
# - another country's people appear to a partner only once the result (the matching, the
#   host placement, the mentor pairing) is published to participants, and then only by
#   given name and country (a numbered reference without consent); before that, not at all.
#
# Sector, languages, interests, age, contact details and notes go with ``full`` only.
@dataclass(frozen=True)
class PersonView:
    """One viewer's view of one application's person (``person_view``)."""

    pk: int
    country: str
    name: str
    given_name: str | None
    family_name: str | None
    full: bool


def partner_country_for(viewer: User) -> str | None:
    """``None`` for a viewer who sees people in full (the secretariat); for partner staff,
    their organisation's country ("" without one: then nobody is theirs)."""
    if viewer.role == Role.PARTNER_STAFF and not viewer.is_superuser:
        return viewer.partner_country or ""
    return None


def person_view(
    application: Application, *, partner_country: str | None, published: bool = True
) -> PersonView | None:
    """What a viewer with ``partner_country`` (``partner_country_for``, or an API key's
    organisation's country) sees of ``application``'s person: ``None`` when nothing at all
    (another country's person before ``published``). Reads ``application.applicant``."""
    if partner_country is None or (
        application.country == partner_country and application.shares_with_partners
    ):
        applicant = application.applicant
        return PersonView(
            pk=application.pk,
            country=application.country,
            name=applicant.display_name,
            given_name=applicant.given_name,
            family_name=applicant.family_name,
            full=True,
        )
    if application.country != partner_country and not published:
        return None
    if not application.shares_with_partners:
        return PersonView(
            pk=application.pk,
            country=application.country,
            name=_("Applicant #%(number)s, no consent to share") % {"number": application.pk},
            given_name=None,
            family_name=None,
            full=False,
        )
    given = application.applicant.given_name
    return PersonView(
        pk=application.pk,
        country=application.country,
        name=given,
        given_name=given,
        family_name=None,
        full=False,
    )


def applications_visible_to(*, viewer: User) -> QuerySet[Application]:
    """Secretariat: all; partner staff: their country in the programs they partner on, of
    applicants who consented to sharing with partners; applicants: their own; anyone else:
    none."""
    qs = applications_counted_for(viewer=viewer)
    if viewer.role == Role.PARTNER_STAFF:
        return qs.filter(PARTNER_CONSENT)
    return qs


def applications_counted_for(*, viewer: User) -> QuerySet[Application]:
    """The viewer's scope for figures only (counts by status and country, which hold no
    personal data): as ``applications_visible_to``, with no consent filter. Never list or
    export these rows."""
    qs = Application.objects.all()
    if viewer.role == Role.SECRETARIAT or viewer.is_superuser:
        return qs
    if viewer.role == Role.PARTNER_STAFF and viewer.partner_country:
        return qs.filter(
            country=viewer.partner_country, cohort__program__partners=viewer.organisation_id
        )
    if viewer.role == Role.APPLICANT:
        return qs.filter(applicant=viewer)
    return qs.none()


def cohorts_visible_to_staff(*, viewer: User) -> QuerySet[Cohort]:
    qs = Cohort.objects.select_related("program")
    if viewer.role == Role.SECRETARIAT or viewer.is_superuser:
        return qs
    if viewer.role == Role.PARTNER_STAFF and viewer.organisation_id:
        return qs.filter(program__partners=viewer.organisation_id)
    return qs.none()


def open_calls() -> QuerySet[Cohort]:
    now = timezone.now()
    return (
        Cohort.objects.filter(status=CohortStatus.OPEN, opens_at__lte=now, deadline__gt=now)
        .select_related("program")
        .order_by("deadline", "id")
    )


def applications_of_applicant(*, applicant: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=applicant)
        .select_related("cohort__program")
        .order_by("-created_at", "-id")
    )


def application_for_applicant(*, applicant: User, pk: int) -> Application | None:
    return (
        Application.objects.filter(applicant=applicant, pk=pk)
        .select_related("cohort__program", "applicant")
        .first()
    )


def form_steps(*, cohort: Cohort) -> list[FormStep]:
    """The cohort form's steps with their questions, in order (two queries)."""
    return list(
        FormStep.objects.filter(form__cohort=cohort)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
        )
    )


def referee_requests_of(*, application: Application) -> QuerySet[RefereeRequest]:
    return application.referee_requests.order_by("created_at", "id")


SEARCHED_FIELDS = (
    "applicant__given_name",
    "applicant__family_name",
    "applicant__local_name",
    "applicant__email",
    "institution",
)


def _search(qs: QuerySet[Application], term: str) -> QuerySet[Application]:
    """Applications matching every word of ``term`` in a name, the email or the
    institution, so a full name is found in either order ("Yui Tanaka", "Tanaka Yui"); a
    name in local script is also found written without its spaces ("田中結衣" for
    "田中 結衣"). Still one condition of the list's query; names are stored in clear."""
    words = term.split()  # Unicode whitespace: the ideographic space of Japanese input too
    if not words:
        return qs
    every_word = Q()
    for word in words:
        any_field = Q()
        for field in SEARCHED_FIELDS:
            any_field |= Q(**{f"{field}__icontains": word})
        every_word &= any_field
    compact_local = Replace(
        Replace("applicant__local_name", Value(" "), Value("")), Value("\u3000"), Value("")
    )
    return qs.annotate(search_local_name=compact_local).filter(
        every_word | Q(search_local_name__icontains="".join(words))
    )


def pipeline_applications(*, viewer: User, cohort: Cohort, filters: dict) -> QuerySet[Application]:
    """The filtered, sorted list of a cohort's applications the viewer may see, each with
    ``score``: the mean weighted score (0–100) of its submitted reviews, or None. (The raw
    score: normalised scores need every reviewer's statistics and are on the selection
    pages.)"""
    score = (
        Review.objects.filter(
            assignment__application=OuterRef("pk"),
            assignment__status=ReviewAssignmentStatus.SUBMITTED,
        )
        .values("assignment__application")
        .annotate(mean=Avg("weighted_score"))
        .values("mean")
    )
    qs = (
        applications_visible_to(viewer=viewer)
        .filter(cohort=cohort)
        .select_related("applicant")
        .annotate(
            has_letters=Exists(
                RefereeRequest.objects.filter(application=OuterRef("pk"), status="received")
            ),
            score=Subquery(score),
        )
    )
    if filters.get("min_score") is not None:
        qs = qs.filter(score__gte=filters["min_score"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("country"):
        qs = qs.filter(country=filters["country"])
    if filters.get("sector"):
        qs = qs.filter(sector=filters["sector"])
    qs = _search(qs, filters.get("q") or "")
    sort = filters.get("sort") or "-submitted_at"
    allowed = {
        "submitted_at",
        "-submitted_at",
        "name",
        "-name",
        "country",
        "-country",
        "status",
        "-status",
        "updated_at",
        "-updated_at",
        "waitlist_position",
        "offer_respond_by",
        "score",
        "-score",
    }
    if sort not in allowed:
        sort = "-submitted_at"
    if sort.lstrip("-") == "name":
        prefix = "-" if sort.startswith("-") else ""
        order = [f"{prefix}applicant__family_name", f"{prefix}applicant__given_name"]
    elif sort in {"waitlist_position", "offer_respond_by"}:
        # Only waitlisted applications have a position and only offers a deadline: they
        # come first, everyone else after them.
        order = [F(sort).asc(nulls_last=True)]
    elif sort.lstrip("-") == "score":
        # Unreviewed applications (no score) last either way.
        order = [
            F("score").desc(nulls_last=True)
            if sort.startswith("-")
            else F("score").asc(nulls_last=True)
        ]
    else:
        order = [sort]
    return qs.order_by(*order, "id")


def pipeline_counts(*, viewer: User, cohort: Cohort) -> list[dict]:
    """Counts by status and country in one grouped query (consent or not: figures only)."""
    return list(
        applications_counted_for(viewer=viewer)
        .filter(cohort=cohort)
        .values("status", "country")
        .annotate(total=Count("id"))
        .order_by("status", "country")
    )


def _partnered_cohort(organisation) -> Q:
    """The application's cohort belongs to a program ``organisation`` partners on.

    The ``partnered_by`` lookup (``exchanges.scopes.PartneredBy``) writes a correlated
    EXISTS, which lets the database walk the primary key and stop after one page instead of
    sorting every application of the partner's cohorts, as text: compiling an ``Exists`` of a
    queryset cost a busy list more than the database's whole answer (``manage.py
    bench_api``).
    """
    return Q(cohort__partnered_by=organisation.pk)


def applications_for_partner(*, organisation, with_related: bool = True) -> QuerySet[Application]:
    """What a partner organisation's API key sees: applications of its country, past the
    draft stage, in the programs it partners on, whose applicants consented to sharing;
    with the applicant, answers (with their questions) and documents fetched in three
    further queries whatever the page size.

    ``with_related=False`` leaves answers and documents out: the API list reads them for a
    whole page as plain values with ``application_answers_and_documents``, which costs a
    fraction of building model instances for every answer, question and document."""
    applications = (
        Application.objects.filter(
            PARTNER_CONSENT,
            _partnered_cohort(organisation),
            ~Q(status=ApplicationStatus.DRAFT),
            country=organisation.country,
        )
        .select_related("applicant")
        .order_by("id")
    )
    if not with_related:
        return applications
    return applications.prefetch_related(
        Prefetch(
            "answers",
            queryset=Answer.objects.select_related("question").order_by(*ANSWER_ORDER),
        ),
        Prefetch("documents", queryset=Document.objects.order_by(*DOCUMENT_ORDER)),
    )


ANSWER_ORDER = ("question__step__position", "question__position", "question_id")
DOCUMENT_ORDER = ("uploaded_at", "id")
ANSWER_VALUES = (
    "application_id",
    "question_id",
    "question__label_en",
    "question__kind",
    "value",
    "updated_at",
)
DOCUMENT_VALUES = (
    "application_id",
    "id",
    "kind",
    "question_id",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "uploaded_at",
)


APPLICATION_VALUES = (
    "id",
    "cohort_id",
    "status",
    "country",
    "applicant__given_name",
    "applicant__family_name",
    "applicant__local_name",
    "applicant__email",
    "applicant__preferred_language",
    "birth_date",
    "citizenship",
    "residence_country",
    "sector",
    "institution",
    "languages",
    "nominated_by_id",
    "created_at",
    "updated_at",
    "submitted_at",
    "status_changed_at",
)


class _VendorFunc(Func):
    """A function written per database: SQLite and PostgreSQL, the two Trilink runs on."""

    output_field = TextField()
    sqlite: str = ""
    postgresql: str = ""

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"{type(self).__name__} supports SQLite and PostgreSQL only.")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template=self.sqlite, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(
            compiler, connection, template=self.postgresql, **extra_context
        )
        if params:  # the template repeats its column; a parameter would be bound once only
            raise NotSupportedError(f"{type(self).__name__} takes a column, not a value.")
        return sql, params


def _utc_text(column: str, vendor: str) -> str:
    """SQL for a timestamp column as the API writes it in UTC: ISO 8601 with ``T``, the
    microseconds only when there are any, and ``Z`` (what DRF's ``DateTimeField`` gives);
    NULL stays NULL. SQLite keeps timestamps as UTC text with a space (``str()`` of a naive
    datetime), so only the separator and the zone change."""
    if vendor == "sqlite":
        return f"(REPLACE({column}, ' ', 'T') || 'Z')"
    micro = f"to_char({column}, 'US')"
    return (
        f"(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE {micro} WHEN '000000' THEN '' ELSE '.' || {micro} END || 'Z')"
    )


class _UTCText(_VendorFunc):
    """``_utc_text`` of one timestamp field of the row."""

    sqlite = _utc_text("%(expressions)s", "sqlite")
    postgresql = _utc_text("%(expressions)s", "postgresql")


def _answers_sql(vendor: str) -> str:
    value = "json(a.value)" if vendor == "sqlite" else "a.value"  # JSON text / jsonb
    items = (
        f"a.question_id, q.label_en, q.kind, {value}, {_utc_text('a.updated_at', vendor)}, "
        "s.position, q.position"
    )
    return _json_rows(
        vendor,
        items,
        f"FROM {Answer._meta.db_table} a "
        f"JOIN {Question._meta.db_table} q ON q.id = a.question_id "
        f"JOIN {FormStep._meta.db_table} s ON s.id = q.step_id "
        "WHERE a.application_id = %(expressions)s",
    )


def _documents_sql(vendor: str) -> str:
    items = (
        "d.id, d.kind, d.question_id, d.original_name, d.content_type, d.size, d.sha256, "
        f"{_utc_text('d.uploaded_at', vendor)}"
    )
    return _json_rows(
        vendor,
        items,
        f"FROM {Document._meta.db_table} d WHERE d.application_id = %(expressions)s",
    )


def _json_rows(vendor: str, items: str, source: str) -> str:
    """A subquery giving one JSON array (as text) with an array of ``items`` per row."""
    if vendor == "sqlite":
        return f"(SELECT json_group_array(json_array({items})) {source})"
    return f"(SELECT COALESCE(json_agg(json_build_array({items}))::text, '[]') {source})"


class _AnswersJSON(_VendorFunc):
    """An application's answers as JSON text, read by a correlated subquery in the
    application's own row; it reads only that application's answers, so it sees what the
    outer query's scope lets through."""

    sqlite = _answers_sql("sqlite")
    postgresql = _answers_sql("postgresql")


class _DocumentsJSON(_VendorFunc):
    """An application's documents' metadata as JSON text, like ``_AnswersJSON``."""

    sqlite = _documents_sql("sqlite")
    postgresql = _documents_sql("postgresql")


_TIMESTAMPS = ("created_at", "updated_at", "submitted_at", "status_changed_at")


def application_page_values(applications: QuerySet[Application]) -> QuerySet:
    """``applications`` as dicts of ``APPLICATION_VALUES`` (the applicant's in the same
    query), each with its answers and documents' metadata, in one query: a page of the API
    list without building an instance per application, applicant, answer and document.

    Timestamps come as the API writes them in UTC (ISO 8601 text ending in ``Z``), formatted
    by the database, and answers and documents as JSON text; ``answers_and_documents_of``
    turns a page into rows and related tuples.
    """
    plain = [name for name in APPLICATION_VALUES if name not in _TIMESTAMPS]
    return applications.values(
        *plain,
        **{f"{name}_utc": _UTCText(F(name)) for name in _TIMESTAMPS},
        answers_json=_AnswersJSON(F("pk")),
        documents_json=_DocumentsJSON(F("pk")),
    )


def answers_and_documents_of(
    rows: list[dict],
) -> tuple[dict[int, list[tuple]], dict[int, list[tuple]]]:
    """A page read by ``application_page_values``, made into rows of ``APPLICATION_VALUES``
    (timestamps as UTC text) and, per application, its answers as ``ANSWER_VALUES`` and
    documents as ``DOCUMENT_VALUES`` tuples (without the application id), ordered by
    ``ANSWER_ORDER`` and ``DOCUMENT_ORDER``."""
    answers: dict[int, list[tuple]] = {}
    documents: dict[int, list[tuple]] = {}
    for row in rows:
        for name in _TIMESTAMPS:
            row[name] = row.pop(f"{name}_utc")
        items = json.loads(row.pop("answers_json"))
        if len(items) > 1:
            items.sort(key=lambda item: (item[5], item[6], item[0]))
        answers[row["id"]] = [tuple(item[:5]) for item in items]
        docs = json.loads(row.pop("documents_json"))
        if len(docs) > 1:
            # UTC text without its "Z" sorts as the instants do (a whole second first).
            docs.sort(key=lambda item: (item[7][:-1], item[0]))
        documents[row["id"]] = [tuple(item) for item in docs]
    return answers, documents


def documents_for_partner(*, organisation) -> QuerySet[Document]:
    """Documents of the applications ``applications_for_partner`` shows."""
    return Document.objects.filter(
        application__in=applications_for_partner(organisation=organisation).values("id")
    )
