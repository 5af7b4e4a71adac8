"""Query scopes (exchanges.scopes): applicant data is filtered by country at the managers, under
the selectors and rules, and a query outside any scope raises instead of returning rows."""

import csv
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import get_resolver, reverse
from django_scopes import ScopeError, scope

from api.services import api_key_create
from config.middleware import ScopeMiddleware
from exchanges.enums import ApiScope, ApplicationStatus
from exchanges.models import (
    Answer,
    Application,
    Document,
    GuardianConsent,
    PredepartureChecklist,
    RefereeRequest,
)
from exchanges.scopes import EVERYWHERE, carry_scope, partner_scope
from exchanges.selectors.applications import applications_for_partner
from exchanges.services.reminders import reminders_run
from exchanges.tasks import task_send_scheduled_reminders
from tests.api.conftest import client_for
from tests.conftest import with_mfa
from tests.factories import OrganisationFactory, PartnerStaffFactory
from tests.factories.applications import ApplicationFactory, CohortFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def cohort():
    """A cohort with one submitted application from each country; a Japanese organisation
    partners its program."""
    cohort = CohortFactory()
    for country, name in (("JP", "Sato"), ("KR", "Kim"), ("US", "Smith")):
        ApplicationFactory(
            cohort=cohort,
            from_country=country,
            applicant__family_name=name,
            status=ApplicationStatus.SUBMITTED,
        )
    return cohort


@pytest.fixture
def japanese_partner(cohort):
    organisation = OrganisationFactory(country="JP", name="Partner JP")
    cohort.program.partners.add(organisation)
    return with_mfa(PartnerStaffFactory(organisation=organisation))


@pytest.fixture
def unpartnered_japanese(cohort, japanese_partner):
    """A Japanese application to a program the Japanese organisation does not partner on."""
    return ApplicationFactory(
        from_country="JP", applicant__family_name="Tanaka", status=ApplicationStatus.SUBMITTED
    )


@pytest.fixture
def selector_without_filter(monkeypatch):
    """The pipeline's selector as if its author had forgotten the viewer's scope."""

    def every_application(*, viewer):
        return Application.objects.all()

    # Import every view first: a module imported while the patch is on would keep the fake
    # under its own name after the test (``from ... import``), and leak it into later tests.
    get_resolver().url_patterns  # noqa: B018 -- loading the URLconf imports the views
    monkeypatch.setattr(
        "exchanges.selectors.applications.applications_visible_to", every_application
    )


@pytest.mark.parametrize(
    "model",
    [Application, Answer, Document, RefereeRequest, GuardianConsent, PredepartureChecklist],
)
def test_query_outside_any_scope_raises(cohort, model):
    with scope(), pytest.raises(ScopeError):
        list(model.objects.all())


def test_query_in_a_country_scope_holds_only_that_country(cohort):
    with scope(country=["JP"], organisation=None):
        countries = list(Application.objects.values_list("country", flat=True))
        related = list(cohort.applications.values_list("country", flat=True))
        answers = Answer.objects.exclude(application__country="JP").count()

    assert countries == ["JP"]
    assert related == ["JP"]
    assert answers == 0


def test_query_in_a_partner_scope_holds_only_its_country_in_its_programs(
    cohort, japanese_partner, unpartnered_japanese
):
    organisation_id = japanese_partner.organisation_id
    with scope(country=["JP"], organisation=None):
        every_program = sorted(Application.objects.values_list("applicant__family_name", flat=True))
    with partner_scope(country="JP", organisation_id=organisation_id):
        names = list(Application.objects.values_list("applicant__family_name", flat=True))
        documents = Document.objects.exclude(application__applicant__family_name="Sato").count()
    with partner_scope(country="JP", organisation_id=None):
        without_organisation = Application.objects.count()

    assert every_program == ["Sato", "Tanaka"]
    assert names == ["Sato"]
    assert documents == 0
    assert without_organisation == 0


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="reads SQLite's EXPLAIN QUERY PLAN output"
)
def test_partner_scope_lets_a_page_by_id_stop_early_instead_of_sorting_every_row(
    cohort, japanese_partner
):
    """The organisation dimension is a correlated EXISTS: with ``cohort__in=<subquery>`` the
    database read every application of the partner's cohorts through the (cohort, country)
    index and sorted them all for each page of the API list (a temporary B-tree)."""
    organisation = japanese_partner.organisation
    with partner_scope(country="JP", organisation_id=organisation.pk):
        page = applications_for_partner(organisation=organisation, with_related=False)[:51]
        sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())

    assert "TEMP B-TREE" not in plan, plan


def test_query_in_the_everywhere_scope_holds_every_country(cohort, unpartnered_japanese):
    with scope(**EVERYWHERE):
        countries = sorted(Application.objects.values_list("country", flat=True))

    assert countries == ["JP", "JP", "KR", "US"]


def test_partner_page_holds_only_their_country_when_the_selector_forgets(
    client, japanese_partner, cohort, selector_without_filter
):
    client.force_login(japanese_partner)

    response = client.get(reverse("staff:pipeline", args=[cohort.pk]))

    assert response.status_code == 200
    assert [a.country for a in response.context["page"]] == ["JP"]


def test_partner_export_streams_only_their_country_after_the_view_returned(
    client, japanese_partner, cohort, selector_without_filter
):
    client.force_login(japanese_partner)
    response = client.get(reverse("staff:export_csv", args=[cohort.pk]))

    # The body is read here, as a server reads it: after the middleware, outside any scope.
    with scope():
        text = b"".join(response.streaming_content).decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert [row[2] for row in rows] == ["Sato"]


def test_middleware_streams_a_body_that_queries_in_the_request_scope(
    rf, japanese_partner, unpartnered_japanese
):
    """A streamed body whose generator queries only when the server reads it (as the
    exports' generators may) still reads in the partner's scope."""

    def view(request):
        def body():
            yield ",".join(Application.objects.values_list("applicant__family_name", flat=True))

        return StreamingHttpResponse(body())

    request = rf.get("/")
    request.user = japanese_partner
    response = ScopeMiddleware(view)(request)

    with scope():
        content = b"".join(response.streaming_content)

    assert content == b"Sato"


def test_carried_scope_is_not_left_active_between_chunks(cohort):
    def body():
        yield str(Application.objects.count())
        yield str(Application.objects.count())

    with scope(country=["KR"], organisation=None):
        stream = carry_scope(body())

    with scope():
        first = next(stream)
        with pytest.raises(ScopeError):
            Application.objects.count()
        second = next(stream)

    assert (first, second) == ("1", "1")


def test_anonymous_request_that_queries_applicant_data_fails_closed(client, cohort, monkeypatch):
    """A page open to anyone that reads applications without deciding its scope raises rather
    than list them (here the public calls page, made to read applications)."""
    monkeypatch.setattr("exchanges.views.applications.open_calls", Application.objects.all)
    client.raise_request_exception = True

    with pytest.raises(ScopeError):
        client.get(reverse("apply:calls"))


def test_api_key_reads_only_its_country_and_programs_when_the_selector_forgets(
    cohort, japanese_partner, unpartnered_japanese, monkeypatch
):
    monkeypatch.setattr(
        "api.views.applications.applications_for_partner",
        lambda *, organisation, with_related=True: Application.objects.order_by("id"),
    )
    _key, token = api_key_create(
        organisation=japanese_partner.organisation,
        name="Roster",
        scopes=[ApiScope.APPLICATIONS_READ],
    )

    response = client_for(token).get("/api/v1/applications/")

    assert response.status_code == 200
    sato = Application.objects.get(applicant__family_name="Sato")
    assert [item["id"] for item in response.json()["results"]] == [sato.pk]


def test_celery_task_runs_with_scopes_off(cohort, caplog):
    """The reminder workflows read applications; each logs its own failure and goes on."""
    with scope():
        reminders_run()
        unscoped_failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        caplog.clear()
        result = task_send_scheduled_reminders.apply()

    assert "Reminder workflow draft-reminder failed" in unscoped_failures
    assert result.successful()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_management_commands_run_with_scopes_off():
    completed = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django_scopes.state import get_scope; print(get_scope())",
            "--no-imports",
        ],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert completed.stdout.strip() == "{'_enabled': False}"
