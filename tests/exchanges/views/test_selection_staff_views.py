"""The staff selection pages: proposal, moves, bulk decisions after the email preview,
rankings, dashboard and exports, with their permissions and query counts."""

import csv
import io

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from exchanges.enums import ApplicationStatus, MailTemplateKey
from exchanges.models import ActivityLog, Application, OutgoingMail, SelectionMove
from tests.conftest import with_mfa
from tests.factories import OrganisationFactory, PartnerStaffFactory, ReviewerFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.selection import quota, reviewed_application, score

pytestmark = pytest.mark.django_db


def url(name, cohort, **kwargs):
    return reverse(f"staff:{name}", kwargs={"cohort_id": cohort.pk, **kwargs})


@pytest.fixture
def cohort():
    cohort = CohortFactory()
    quota(cohort, "KR", seats=1)
    quota(cohort, "JP", seats=1)
    return cohort


def _scored(cohort, scores, country="KR"):
    reviewer = ReviewerFactory()
    apps = []
    for value in scores:
        application = reviewed_application(cohort, country=country)
        score(application, reviewer, value)
        apps.append(application)
    return apps


@pytest.fixture
def partner_client(client, cohort):
    partner = with_mfa(PartnerStaffFactory(organisation=OrganisationFactory(country="JP")))
    cohort.program.partners.add(partner.organisation)
    client.force_login(partner)
    return client


def test_proposal_lists_the_country_in_proposal_order(staff_client, cohort):
    low, high = _scored(cohort, [40, 90])

    response = staff_client.get(url("selection", cohort) + "?country=KR")

    assert response.status_code == 200
    rows = [(r["application"].pk, r["section"]) for r in response.context["rows"]]
    assert rows == [(high.pk, "selected"), (low.pk, "waitlist")]
    assert [code for code, _label in response.context["countries"]] == ["JP", "KR"]


@pytest.mark.parametrize("count", [1, 3])
def test_proposal_query_count(staff_client, cohort, count, django_assert_num_queries):
    _scored(cohort, [50 + i for i in range(count)])

    # session, user, MFA, cohort (permission), cohort, settings, reviewer statistics, cohort
    # spread, applications, review scores, quotas, seats held, moves, page applications,
    # settings (form), settings (header), the rounds (export form)
    with django_assert_num_queries(17):
        response = staff_client.get(url("selection", cohort) + "?country=KR")
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_ranking_query_count(staff_client, cohort, count, django_assert_num_queries):
    _scored(cohort, [50 + i for i in range(count)])

    # 13 with the cohort's rounds (the round chosen and the export form's choices).
    with django_assert_num_queries(13):
        response = staff_client.get(url("selection_ranking", cohort))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_dashboard_query_count(staff_client, cohort, count, django_assert_num_queries):
    for i in range(count):
        one, two = ReviewerFactory(), ReviewerFactory()
        application = reviewed_application(cohort)
        score(application, one, 20 + i)
        score(application, two, 90)

    # 22 with the progress by round.
    with django_assert_num_queries(22):
        response = staff_client.get(url("selection_dashboard", cohort))
    assert len(response.context["disagreement_rows"]) == count
    assert len(response.context["bars"]) == 2 * count


def test_dashboard_draws_the_chart_with_the_numbers_beside_it(staff_client, cohort):
    harsh, lenient = ReviewerFactory(given_name="Hana", family_name="Sato"), ReviewerFactory()
    for value_h, value_l in ((20, 70), (30, 80), (40, 90)):
        application = reviewed_application(cohort)
        score(application, harsh, value_h)
        score(application, lenient, value_l)

    response = staff_client.get(url("selection_dashboard", cohort))

    html = response.content.decode()
    assert '<svg role="img" aria-labelledby="distribution-title"' in html
    assert '<line x1="70.0" x2="130.0" y1="12" y2="12"' in html  # 20–40 on a 0–100 axis
    assert '<circle cx="100.0" cy="12" r="6" fill="#0d6efd"/>' in html  # mean 30
    assert '<th scope="row">Hana Sato</th><td>3</td><td>30.00</td><td>10.00</td>' in html


def test_partner_sees_only_their_country_and_gets_404_for_another(partner_client, cohort):
    _scored(cohort, [60])
    (jp,) = _scored(cohort, [70], country="JP")

    page = partner_client.get(url("selection", cohort))
    other = partner_client.get(url("selection", cohort) + "?country=KR")

    assert [r["application"].pk for r in page.context["rows"]] == [jp.pk]
    assert [code for code, _label in page.context["countries"]] == ["JP"]
    assert other.status_code == 404


def test_partner_exports_contain_only_their_country(partner_client, cohort):
    kr = _scored(cohort, [60])
    jp = _scored(cohort, [70, 65], country="JP")

    ranking_csv = b"".join(
        partner_client.get(url("selection_export", cohort, what="ranking", extension="csv"))
    ).decode("utf-8-sig")
    proposal_xlsx = partner_client.get(
        url("selection_export", cohort, what="proposal", extension="xlsx")
    ).content

    ranking_rows = list(csv.reader(io.StringIO(ranking_csv)))
    assert [(r[0], r[1], r[2]) for r in ranking_rows[1:]] == [
        ("JP", "1", str(jp[0].pk)),
        ("JP", "2", str(jp[1].pk)),
    ]
    assert str(kr[0].pk) not in [r[2] for r in ranking_rows]
    sheet = load_workbook(io.BytesIO(proposal_xlsx)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:5] == ["Proposal", "Position", "Country", "Rank", "Application"]
    assert [(v[0], v[1], v[2], v[4]) for v in values[1:]] == [
        ("Proposed for selection", 1, "JP", jp[0].pk),
        ("Proposed for the waiting list", 1, "JP", jp[1].pk),
    ]


def _two_rounds(cohort, secretariat):
    """Round 1 ranks JP a over b and KR c; the panel round (a and b advanced) reverses JP."""
    from exchanges.services.reviews import (  # noqa: PLC0415 -- test isolation: one test's helper
        review_round_advance,
        review_round_create,
    )

    rounds = [
        review_round_create(
            cohort=cohort,
            actor=secretariat,
            name=name,
            reviews_per_application=1,
            due_at=None,
            own_country_only=False,
            reviewers=[],
            start_anyway=True,
        )
        for name in ("Screening", "Panel")
    ]
    a, b = (reviewed_application(cohort, country="JP") for _ in range(2))
    (c,) = (reviewed_application(cohort, country="KR"),)
    reviewer, panellist = ReviewerFactory(), ReviewerFactory()
    for application, value in ((a, 90), (b, 70), (c, 80)):
        score(application, reviewer, value, review_round=rounds[0])
    review_round_advance(review_round=rounds[1], applications=[a, b], actor=secretariat)
    score(a, panellist, 50, review_round=rounds[1])
    score(b, panellist, 95, review_round=rounds[1])
    return a, b, c


def _csv_ids(response) -> list[tuple[str, str]]:
    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig"))))
    return [(r[0], r[2]) for r in rows[1:]]


def test_exports_of_the_round_staff_choose(staff_client, cohort, secretariat):
    a, b, c = _two_rounds(cohort, secretariat)
    ranking = url("selection_export", cohort, what="ranking", extension="csv")
    proposal = url("selection_export", cohort, what="proposal", extension="xlsx")

    last = _csv_ids(staff_client.get(ranking))
    first_response = staff_client.get(ranking, {"round": "1"})
    first = _csv_ids(first_response)
    proposal_1 = load_workbook(
        io.BytesIO(staff_client.get(proposal, {"round": "1"}).content)
    ).active
    proposal_2 = load_workbook(
        io.BytesIO(staff_client.get(proposal, {"round": "2"}).content)
    ).active

    assert last == [("JP", str(b.pk)), ("JP", str(a.pk))]
    assert first == [("JP", str(a.pk)), ("KR", str(c.pk)), ("JP", str(b.pk))]
    assert "-round1-" in first_response["Content-Disposition"]
    selected = [
        [
            row[4].value
            for row in sheet.iter_rows(min_row=2)
            if row[0].value == "Proposed for selection"
        ]
        for sheet in (proposal_1, proposal_2)
    ]
    assert selected == [[a.pk, c.pk], [b.pk]]
    page = staff_client.get(url("selection_ranking", cohort), {"round": "1"}).content.decode()
    assert '<option value="1" selected>1. Screening</option>' in page
    assert '<option value="2">2. Panel</option>' in page


@pytest.mark.parametrize(
    "case",
    [
        (
            "en",
            "This cohort has no round “3”. Choose one of its rounds, or none for the last round.",
        ),
        (
            "ja",
            "この期にはラウンド「3」はありません。この期のラウンドを選ぶか、"
            "最後のラウンドの場合は何も選ばないでください。",
        ),
    ],
)
@pytest.mark.parametrize("export", [("ranking", "csv"), ("proposal", "xlsx")])
def test_an_export_of_a_round_the_cohort_lacks_says_so_on_a_page(
    staff_client, cohort, secretariat, case, export
):
    """A hand-made or outdated link to round 3 of a two-round cohort: a 400 page naming the
    round, in the viewer's language, with the export form offering the cohort's rounds."""
    (language, message), (what, extension) = case, export
    _two_rounds(cohort, secretariat)
    User.objects.filter(pk=staff_client.session[SESSION_KEY]).update(preferred_language=language)

    response = staff_client.get(
        url("selection_export", cohort, what=what, extension=extension), {"round": "3"}
    )

    page = response.content.decode()
    assert (response.status_code, response["Content-Type"]) == (400, "text/html; charset=utf-8")
    assert "Content-Disposition" not in response
    error = f'<div class="invalid-feedback d-block" id="export-round-{what}-error">{message}</div>'
    assert error in page
    assert 'aria-invalid="true"' in page
    assert '<option value="2">2. ' in page
    assert url("selection_export", cohort, what=what, extension="xlsx") in page


def test_an_export_round_that_is_no_number_is_refused_too(staff_client, cohort, secretariat):
    _two_rounds(cohort, secretariat)
    ranking = url("selection_export", cohort, what="ranking", extension="csv")

    response = staff_client.get(ranking, {"round": "one"})

    assert response.status_code == 400
    assert "This cohort has no round “one”." in response.content.decode()
    assert staff_client.get(ranking, {"round": ""}).status_code == 200


def test_partner_exports_of_a_chosen_round_contain_only_their_country(
    partner_client, cohort, secretariat
):
    a, b, c = _two_rounds(cohort, secretariat)

    ranking = partner_client.get(
        url("selection_export", cohort, what="ranking", extension="csv"), {"round": "1"}
    )
    proposal = partner_client.get(
        url("selection_export", cohort, what="proposal", extension="csv"), {"round": "1"}
    )

    assert _csv_ids(ranking) == [("JP", str(a.pk)), ("JP", str(b.pk))]
    proposal_rows = list(csv.reader(io.StringIO(b"".join(proposal).decode("utf-8-sig"))))
    assert {row[2] for row in proposal_rows[1:]} == {"JP"}
    assert str(c.pk) not in {row[4] for row in proposal_rows[1:]}


def test_partner_cannot_move_or_decide(partner_client, cohort):
    (jp,) = _scored(cohort, [70], country="JP")

    moved = partner_client.post(url("selection_move", cohort, pk=jp.pk), {"direction": "out"})
    decided = partner_client.post(
        url("selection_decide", cohort),
        {"decision": "accepted", "country": "JP", "section": "selected"},
    )

    assert (moved.status_code, decided.status_code) == (403, 403)
    assert SelectionMove.objects.count() == 0


def test_reviewer_gets_403(client, cohort):
    client.force_login(with_mfa(ReviewerFactory()))

    assert client.get(url("selection", cohort)).status_code == 403
    assert client.get(url("selection_dashboard", cohort)).status_code == 403


def test_staff_move_out_changes_the_proposal(staff_client, cohort):
    low, high = _scored(cohort, [40, 90])

    staff_client.post(url("selection_move", cohort, pk=high.pk), {"direction": "out"})
    response = staff_client.get(url("selection", cohort) + "?country=KR")

    rows = [(r["application"].pk, r["section"]) for r in response.context["rows"]]
    assert rows == [(low.pk, "selected"), (high.pk, "waitlist")]
    assert ActivityLog.objects.filter(action_type="exchanges.selection.moved").count() == 1


def test_move_in_beyond_the_free_seats_is_refused(staff_client, cohort):
    low, middle, _high = _scored(cohort, [40, 50, 90])
    staff_client.post(url("selection_move", cohort, pk=low.pk), {"direction": "in"})

    response = staff_client.post(
        url("selection_move", cohort, pk=middle.pk), {"direction": "in"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "The proposal has been changed.",
        "Every free seat of this country is already taken by applications moved in by hand. "
        "Move one of them out first.",
    ]
    assert list(SelectionMove.objects.values_list("application_id", "direction")) == [
        (low.pk, "in")
    ]


def test_bulk_accept_previews_every_language_then_decides(staff_client, cohort):
    ja = ApplicationFactory(cohort=cohort, status=ApplicationStatus.UNDER_REVIEW)
    ja.applicant.preferred_language = "ja"
    ja.applicant.save()
    score(ja, ReviewerFactory(), 90)
    (other,) = _scored(cohort, [50])
    data = {"decision": "accepted", "country": "KR", "section": "selected"}

    preview = staff_client.post(url("selection_decide", cohort), data)

    assert preview.status_code == 200
    assert [p.language for p in preview.context["previews"]] == ["en", "ja", "ko"]
    assert [a.pk for a in preview.context["targets"]] == [ja.pk]
    assert OutgoingMail.objects.count() == 0
    html = preview.content.decode()
    for item in preview.context["previews"]:
        assert item.mail.subject in html

    done = staff_client.post(
        url("selection_decide", cohort),
        {**data, "fingerprint": preview.context["fingerprint"], "confirm": "1"},
    )

    assert done.status_code == 302
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert (statuses[ja.pk], statuses[other.pk]) == ("accepted", "under_review")
    mail = OutgoingMail.objects.get(template_key=MailTemplateKey.DECISION_ACCEPTED)
    assert (mail.recipient_email, mail.language) == (ja.applicant.email, "ja")
    assert mail.subject == preview.context["previews"][1].mail.subject
    assert ActivityLog.objects.filter(action_type="exchanges.application.accepted").count() == 1
    assert ActivityLog.objects.filter(action_type="exchanges.selection.decided").count() == 1


def test_decision_refused_when_the_list_changed_since_the_preview(staff_client, cohort):
    _scored(cohort, [40, 90])

    response = staff_client.post(
        url("selection_decide", cohort),
        {
            "decision": "rejected",
            "country": "KR",
            "section": "waitlist",
            "fingerprint": "stale",
            "confirm": "1",
        },
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "The list changed since the preview. Look at the emails again and confirm."
    ]
    assert set(Application.objects.values_list("status", flat=True)) == {"under_review"}


def test_bulk_accept_never_exceeds_the_quota(staff_client, cohort):
    first, second = _scored(cohort, [90, 80])
    ids = [first.pk, second.pk]
    data = {"decision": "accepted", "country": "KR", "applications": ids}
    preview = staff_client.post(url("selection_decide", cohort), data)

    response = staff_client.post(
        url("selection_decide", cohort),
        {**data, "fingerprint": preview.context["fingerprint"], "confirm": "1"},
        follow=True,
    )

    statuses = dict(Application.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk]) == ("accepted", "under_review")
    assert [str(m) for m in response.context["messages"]] == [
        "1 application(s) decided: Accept (make an offer).",
        f"Application #{second.pk} was not decided: All 1 seats for South Korea are taken "
        "(offers out and accepted).",
    ]


def test_ranking_names_each_applicants_country(staff_client, cohort):
    _scored(cohort, [60], country="JP")

    response = staff_client.get(url("selection_ranking", cohort))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<tr><td>Japan</td>" in html


def test_partner_dashboard_links_only_to_pages_a_partner_may_open(partner_client, cohort):
    """The review rounds are the secretariat's: a partner's dashboard used to link to them
    and the link answered 403."""
    _scored(cohort, [70], country="JP")

    response = partner_client.get(url("selection_dashboard", cohort))

    assert response.status_code == 200
    assert url("review_rounds", cohort) not in response.content.decode()
    assert partner_client.get(url("review_rounds", cohort)).status_code == 403


def test_secretariat_dashboard_links_to_the_review_rounds(staff_client, cohort):
    response = staff_client.get(url("selection_dashboard", cohort))

    assert url("review_rounds", cohort) in response.content.decode()
