"""Query scopes: the line of defence under the selectors and rules (django-scopes).

The models that hold applicant data (``Application`` and the rows keyed to one that a partner
could list: answers, documents, referee requests, guardian consents) use a ``ScopedManager``
on the ``country`` dimension. A query through one of their managers:

- inside ``scope(country=[...])`` is filtered to those countries, whatever the caller forgot;
- inside ``scope(country=None)`` is not filtered by country (people whose own rows may lie in
  any country; the selectors keep them to their own);
- inside ``scopes_disabled()`` is unfiltered (the secretariat, Celery, management commands);
- anywhere else raises ``ScopeError`` instead of returning rows.

``ScopeMiddleware`` activates the signed-in person's scope for each request, the API views
activate the key's (``api.views.base``), and a streamed body carries the scope of the request
that made it (``carry_scope``), since the server reads it after the middleware has returned.
"""

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager

from django_scopes import scope, scopes_disabled
from django_scopes.state import get_scope

from exchanges.enums import Role

# The lookup each scoped model's manager filters its country dimension by.
APPLICATION_COUNTRY = "country"
RELATED_COUNTRY = "application__country"


def query_scope_for_user(user) -> AbstractContextManager:
    """The scope one person's request reads in.

    Partner staff: their organisation's country (none if they have no organisation, so they
    read nothing). The secretariat and superusers: disabled, their work spans every country.
    Applicants and reviewers: every country at this layer (an applicant's application counts
    against the quota country of their citizenship or residence, not their profile's, and a
    reviewer's assignments span countries); the selectors and rules keep them to their own
    rows. Anyone not signed in: no country at all, so a query of applicant data raises; the
    private-link pages (referee, guardian, survey) open theirs inside an explicit
    ``scopes_disabled()`` where the link's token is the right.
    """
    if user is None or not user.is_authenticated:
        return scope()
    if user.is_superuser or user.role == Role.SECRETARIAT:
        return scopes_disabled()
    if user.role == Role.PARTNER_STAFF:
        country = user.partner_country
        return scope(country=[country] if country else [])
    return scope(country=None)


def query_scope_for_country(country: str) -> AbstractContextManager:
    """The scope of an organisation's API key: its country only."""
    return scope(country=[country] if country else [])


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
