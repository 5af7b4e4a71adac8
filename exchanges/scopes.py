"""Query scopes: the line of defence under the selectors and rules (django-scopes).

The models that hold applicant data (``Application`` and the rows keyed to one that a partner
could list: answers, documents, referee requests, guardian consents, pre-departure checklists)
use a ``ScopedManager`` on two dimensions: ``country`` (the application's quota country) and
``organisation`` (the cohorts of the programs an organisation partners on, as a correlated
``EXISTS``: ``PartneredBy``). A query through one of their managers:

- inside a partner's scope (``partner_scope``) is filtered to that country and those cohorts,
  whatever the caller forgot;
- inside ``scope(country=None, organisation=None)`` is not filtered (people whose own rows may
  lie in any country and program; the selectors keep them to their own);
- inside ``scopes_disabled()`` is unfiltered (the secretariat, Celery, management commands);
- anywhere else raises ``ScopeError`` instead of returning rows.

``ScopeMiddleware`` activates the signed-in person's scope for each request, the API views
activate the key's (``api.views.base``), and a streamed body carries the scope of the request
that made it (``carry_scope``), since the server reads it after the middleware has returned.
"""

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager

from django.apps import apps
from django.db.models import Lookup
from django_scopes import scope, scopes_disabled
from django_scopes.state import get_scope

from exchanges.enums import Role

# On PostgreSQL ``OFFSET 0`` keeps the planner from turning the EXISTS into a semi-join
# (it drops a ``LIMIT 1``, not an offset): as a join it guessed that few applications pass
# (the scope's and the selector's conditions are the same EXISTS, each guessed selective), so
# it read and sorted every application of the country (120 ms for a page of 20,000, measured
# by ``manage.py bench_api``) instead of walking the primary key to the first page. SQLite
# walks the primary key without it (and wants a LIMIT before an OFFSET).
EXISTS_PARTNERED = (
    "EXISTS (SELECT 1 FROM {cohort} C INNER JOIN {partners} P ON P.{program} = C.{program} "
    "WHERE C.{id} = {lhs} AND P.{organisation} = %s{fence})"
)


class PartneredBy(Lookup):
    """``cohort__partnered_by=<organisation id>``: the cohort belongs to a program the
    organisation partners on, as a correlated ``EXISTS`` on the application's ``cohort_id``.

    Not ``cohort__in=<subquery>``: with an ``IN`` the database reads every application of the
    partner's cohorts through the (cohort, country) index and sorts them all before a page
    ordered by id (20,000 rows for a page of 50, measured by ``manage.py bench_api``); the
    ``EXISTS`` lets it walk the primary key and stop after one page. Not a join either: a
    ``select_for_update()`` of applications then locks application rows only, not the cohort,
    program and partnership rows a join would lock with them on PostgreSQL. Registered on
    ``Application.cohort`` (``exchanges.models.applications``).
    """

    lookup_name = "partnered_by"
    prepare_rhs = False

    def get_prep_lookup(self):
        return int(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        cohort = apps.get_model("exchanges", "Cohort")._meta
        partners = apps.get_model("exchanges", "Program").partners.through._meta
        quote = connection.ops.quote_name
        # Only quoted model identifiers and the column are formatted in; the organisation is
        # a query parameter.
        sql = EXISTS_PARTNERED.format(  # nosec B608 -- no user input in names
            cohort=quote(cohort.db_table),
            partners=quote(partners.db_table),
            program=quote("program_id"),
            id=quote("id"),
            organisation=quote("organisation_id"),
            lhs=lhs,
            fence=" OFFSET 0" if connection.vendor == "postgresql" else "",
        )
        return sql, (*lhs_params, self.rhs)


# The lookups each scoped model's manager filters its dimensions by: ``Application`` itself,
# and the models keyed to one (``RELATED_SCOPES``).
APPLICATION_SCOPES = {"country": "country", "organisation": "cohort__partnered_by"}
RELATED_SCOPES = {name: f"application__{path}" for name, path in APPLICATION_SCOPES.items()}
EVERYWHERE = {"country": None, "organisation": None}
# No organisation has this key: the organisation dimension of a scope that reads nothing.
NO_ORGANISATION = 0


def partner_scope(*, country: str | None, organisation_id: int | None):
    """One country, in the cohorts of the programs one organisation partners on; nothing at
    all without either."""
    if not country or not organisation_id:
        return scope(country=[], organisation=NO_ORGANISATION)
    return scope(country=[country], organisation=organisation_id)


def query_scope_for_user(user) -> AbstractContextManager:
    """The scope one person's request reads in.

    Partner staff: their organisation's country, in the programs it partners on (nothing if
    they have no organisation). The secretariat and superusers: disabled, their work spans
    every country. Applicants and reviewers: every country and program at this layer (an
    applicant's application counts against the quota country of their citizenship or
    residence, not their profile's, and a reviewer's assignments span countries); the
    selectors and rules keep them to their own rows. Anyone not signed in: no scope at all,
    so a query of applicant data raises; the private-link pages (referee, guardian, survey,
    calendar feed) open theirs inside an explicit ``scopes_disabled()``, the link's token
    being the right.
    """
    if user is None or not user.is_authenticated:
        return scope()
    if user.is_superuser or user.role == Role.SECRETARIAT:
        return scopes_disabled()
    if user.role == Role.PARTNER_STAFF:
        return partner_scope(country=user.partner_country, organisation_id=user.organisation_id)
    return scope(**EVERYWHERE)


def query_scope_for_organisation(organisation) -> AbstractContextManager:
    """The scope of an organisation's API key: its country, in the programs it partners on."""
    return partner_scope(country=organisation.country, organisation_id=organisation.pk)


def carry_scope(chunks: Iterable) -> Iterator:
    """Produce each chunk of a streamed body in the scope that is active now (at the call).

    A ``StreamingHttpResponse`` body is read by the server after the view and the middleware
    have returned (and their scopes ended), so a generator that queries would raise
    ``ScopeError`` half-way through a download. The scope is entered around each chunk only,
    never left active between them.
    """
    captured = dict(get_scope())

    def stream() -> Iterator:
        iterator = iter(chunks)
        while True:
            with scope(**captured):
                try:
                    chunk = next(iterator)
                except StopIteration:
                    return
            yield chunk

    return stream()


def carry_scope_into(response) -> None:
    """Make a streamed response's body read in the scope active now (see ``carry_scope``). A
    file read from disk needs no scope, and wrapping it would cost the server's sendfile path
    (``FileResponse.file_to_stream``), so it is left as it is."""
    if response.streaming and getattr(response, "file_to_stream", None) is None:
        response.streaming_content = carry_scope(response.streaming_content)
