"""What each resource shows a partner, its filters, and its query count (1 and 3 rows)."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from exchanges.enums import (
    ApiScope,
    ApplicationStatus,
    NominationStatus,
    PlacementKind,
    PlacementRunStatus,
)
from exchanges.models import (
    ActivityLog,
    Answer,
    Application,
    Document,
    MatchGroupMember,
    Nomination,
    OutgoingMail,
    PlacementAssignment,
    PlacementRun,
    Question,
)
from exchanges.services.applications import application_start
from tests.api.conftest import client_for, submitted
from tests.factories import ApplicantFactory
from tests.factories.matching import MatchingParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jp(world):
    return client_for(world["JP"].token)


def test_me_describes_the_calling_key(jp, world):
    body = jp.get("/api/v1/me").json()

    assert body == {
        "name": "All",
        "prefix": world["JP"].token.split("_")[1],
        "organisation": {"id": world["JP"].organisation.pk, "name": "Partner JP", "country": "JP"},
        "country": "JP",
        "scopes": sorted(ApiScope.values),
        "expires_at": None,
        "last_used_at": body["last_used_at"],
    }
    assert body["last_used_at"] is not None


def test_cohort_shows_quotas_with_fill(jp, world):
    cohort = world["cohort"]
    for country, seats in (("JP", 5), ("KR", 4)):
        cohort.quotas.create(country=country, seats=seats)

    body = jp.get(f"/api/v1/cohorts/{cohort.pk}/").json()

    # Each country has one confirmed participant holding a seat.
    assert body["quotas"] == [
        {"country": "JP", "seats": 5, "waitlist_size": 0, "filled": 1},
        {"country": "KR", "seats": 4, "waitlist_size": 0, "filled": 1},
    ]
    assert body["program"] == cohort.program_id


def test_programs_show_each_cohorts_quotas_with_fill_as_cohorts_do(jp, world):
    cohort = world["cohort"]
    for country, seats in (("JP", 5), ("KR", 4)):
        cohort.quotas.create(country=country, seats=seats)

    program = jp.get("/api/v1/programs/").json()["results"][0]
    detail = jp.get(f"/api/v1/programs/{cohort.program_id}/").json()

    assert program["cohorts"][0]["quotas"] == [
        {"country": "JP", "seats": 5, "waitlist_size": 0, "filled": 1},
        {"country": "KR", "seats": 4, "waitlist_size": 0, "filled": 1},
    ]
    assert (
        program["cohorts"][0]["quotas"] == jp.get(f"/api/v1/cohorts/{cohort.pk}/").json()["quotas"]
    )
    assert detail == program


def test_application_shows_answers_and_document_metadata(jp, world):
    application, document = world["JP"].application, world["JP"].document

    body = jp.get(f"/api/v1/applications/{application.pk}/").json()

    assert body["applicant"]["email"] == application.applicant.email
    assert body["answers"] == [
        {
            "question": application.answers.get().question_id,
            "label": "Why?",
            "kind": "short_text",
            "value": "From JP",
            "updated_at": body["answers"][0]["updated_at"],
        }
    ]
    assert body["documents"] == [
        {
            "id": document.pk,
            "kind": "cv",
            "question": None,
            "original_name": "cv-JP.pdf",
            "content_type": "application/pdf",
            "size": document.size,
            "sha256": document.sha256,
            "uploaded_at": body["documents"][0]["uploaded_at"],
            "download_url": f"http://testserver/api/v1/documents/{document.pk}/file/",
        }
    ]


def test_document_download_returns_the_stored_bytes(jp, world):
    document = world["JP"].document

    response = jp.get(f"/api/v1/documents/{document.pk}/file/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="cv-{document.pk}.pdf"'
    assert b"".join(response.streaming_content) == document.file.open("rb").read()


def test_application_filters(jp, world):
    cohort, question = world["cohort"], world["cohort"].form.steps.get().questions.get()
    old = world["JP"].application
    Application.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    recent, _doc = submitted(cohort, "JP", question)
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()

    def ids(**params):
        return [row["id"] for row in jp.get("/api/v1/applications/", params).json()["results"]]

    assert ids(updated_since=since) == [world["JP"].participant.pk, recent.pk]
    assert ids(status="submitted") == [old.pk, recent.pk]
    assert ids(status="confirmed", cohort=cohort.pk) == [world["JP"].participant.pk]
    assert ids(country="KR") == []
    assert ids(cohort=cohort.pk + 1000) == []


@pytest.mark.parametrize("count", [1, 3])
def test_application_list_query_count_is_constant(world, count, django_assert_num_queries):
    cohort, question = world["cohort"], world["cohort"].form.steps.get().questions.get()
    Application.objects.filter(country="JP").delete()
    for _ in range(count):
        submitted(cohort, "JP", question)
    client = client_for(world["JP"].token)
    client.get("/api/v1/me")  # last_used_at written: not part of the count below

    # the key, then the page with its answers and documents
    with django_assert_num_queries(2):
        response = client.get("/api/v1/applications/")

    assert len(response.json()["results"]) == count


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/api/v1/cohorts/", 3),
        ("/api/v1/nominations/", 2),
        ("/api/v1/participants/", 4),
        ("/api/v1/groups/", 3),
    ],
)
def test_other_lists_query_count_is_constant(world, path, queries, django_assert_num_queries):
    client = client_for(world["JP"].token)
    client.get("/api/v1/me")
    with django_assert_num_queries(queries):
        one = client.get(path)
    # Two more rows of each kind for the Japanese partner.
    question = world["cohort"].form.steps.get().questions.get()
    from tests.factories.applications import CohortFactory  # noqa: PLC0415 -- test isolation: one case

    for index in range(2):
        cohort = CohortFactory(program=world["cohort"].program)
        cohort.quotas.create(country="JP", seats=3)
        submitted(cohort, "JP", question)
        Nomination.objects.create(
            organisation=world["JP"].organisation,
            cohort=cohort,
            name="N",
            email=f"n{index}@example.org",
        )
    with django_assert_num_queries(queries):
        more = client.get(path)

    assert len(more.json()["results"]) >= len(one.json()["results"])


def test_participants_show_group_host_and_nothing_of_other_countries(jp, world):
    participant = world["JP"].participant

    body = jp.get("/api/v1/participants/").json()["results"]

    assert body == [
        {
            "application": participant.pk,
            "cohort": world["cohort"].pk,
            "status": "confirmed",
            "country": "JP",
            "applicant": body[0]["applicant"],
            "group": {"id": world["JP"].group.pk, "number": 2},
            "host": {
                "id": participant.placement_assignments.get().host_id,
                "name": "Host JP",
                "kind": "family",
                "city": "Tokyo",
            },
            "mentor": None,
        }
    ]


def _named(application, given: str, family: str):
    applicant = application.applicant
    applicant.given_name, applicant.family_name = given, family
    applicant.email = f"{given.lower()}@people.example"
    applicant.save(update_fields=["given_name", "family_name", "email"])
    return application


def test_groups_show_other_countries_members_by_given_name_only(jp, world):
    """A published group: the key's country's members in full, another country's by given
    name and country, anyone who did not consent to sharing by application and country."""
    group = world["JP"].group
    own = _named(world["JP"].participant, "Hana", "Sato")
    korean = _named(
        MatchingParticipantFactory(cohort=world["cohort"], from_country="KR", sector="arts"),
        "Jisoo",
        "Park",
    )
    private = MatchingParticipantFactory(
        cohort=world["cohort"], from_country="US", shares_with_partners=False
    )
    for application in (korean, private):
        MatchGroupMember.objects.create(run=group.run, group=group, application=application)

    response = jp.get(f"/api/v1/groups/{group.pk}/")

    assert response.json()["members"] == [
        {"application": own.pk, "given_name": "Hana", "family_name": "Sato", "country": "JP"},
        {"application": korean.pk, "given_name": "Jisoo", "family_name": None, "country": "KR"},
        {"application": private.pk, "given_name": None, "family_name": None, "country": "US"},
    ]
    assert "Park" not in response.text
    assert "people.example" not in response.text
    assert private.applicant.given_name not in response.text


def test_groups_list_only_groups_holding_the_partners_participants(jp, world):
    body = jp.get("/api/v1/groups/").json()["results"]

    assert [(g["id"], [m["application"] for m in g["members"]]) for g in body] == [
        (world["JP"].group.pk, [world["JP"].participant.pk])
    ]


def test_participants_leave_out_those_who_did_not_consent(jp, world):
    private = MatchingParticipantFactory(
        cohort=world["cohort"], from_country="JP", shares_with_partners=False
    )

    listing = jp.get("/api/v1/participants/")
    one = jp.get(f"/api/v1/participants/{private.pk}/")

    assert [row["application"] for row in listing.json()["results"]] == [world["JP"].participant.pk]
    assert one.status_code == 404


def test_participant_mentor_of_another_country_by_given_name_only(jp, world):
    participant = _named(world["JP"].participant, "Hana", "Sato")
    mentor = _named(
        MatchingParticipantFactory(
            cohort=world["cohort"], from_country="KR", status=ApplicationStatus.ALUMNUS
        ),
        "Minji",
        "Kim",
    )
    run = PlacementRun.objects.create(
        cohort=world["cohort"], kind=PlacementKind.MENTORS, status=PlacementRunStatus.PUBLISHED
    )
    PlacementAssignment.objects.create(run=run, application=participant, mentor=mentor)

    response = jp.get(f"/api/v1/participants/{participant.pk}/")

    assert response.json()["mentor"] == {
        "application": mentor.pk,
        "given_name": "Minji",
        "family_name": None,
        "country": "KR",
    }
    assert "Kim" not in response.text


@override_settings(SITE_URL="https://trilink.example")
def test_nominating_emails_the_candidate_in_their_language(
    jp, world, django_capture_on_commit_callbacks
):
    cohort = world["cohort"]

    with django_capture_on_commit_callbacks(execute=True):
        response = jp.post(
            "/api/v1/nominations/",
            {
                "cohort": cohort.pk,
                "name": "佐藤 花",
                "email": "hana@example.jp",
                "language": "ja",
                "note": "Youth council",
            },
            format="json",
        )

    nomination = Nomination.objects.get(email="hana@example.jp")
    body = response.json()
    assert response.status_code == 201
    assert body == {
        "id": nomination.pk,
        "cohort": cohort.pk,
        "name": "佐藤 花",
        "email": "hana@example.jp",
        "language": "ja",
        "note": "Youth council",
        "status": "invited",
        "application": None,
        "created_at": body["created_at"],
        "withdrawn_at": None,
    }
    message = mail.outbox[-1]
    assert message.to == ["hana@example.jp"]
    assert message.subject == f"{cohort.program.name_ja}への応募のご案内"
    assert message.body.startswith("佐藤 花 様\n\nPartner JPがあなたを")
    assert f"https://trilink.example/calls/{cohort.pk}/" in message.body
    assert OutgoingMail.objects.get(recipient_email="hana@example.jp").language == "ja"
    assert ActivityLog.objects.get(action_type="exchanges.nomination.created").data == {
        "organisation": world["JP"].organisation.pk,
        "cohort": cohort.pk,
        "invitation_mailed": True,
        "api_key": world["JP"].token.split("_")[1],
    }


def test_korean_invitation_uses_nim(world, django_capture_on_commit_callbacks):
    kr = client_for(world["KR"].token)
    with django_capture_on_commit_callbacks(execute=True):
        kr.post(
            "/api/v1/nominations/",
            {
                "cohort": world["cohort"].pk,
                "name": "김민준",
                "email": "mj@example.kr",
                "language": "ko",
            },
            format="json",
        )

    assert mail.outbox[-1].body.startswith("김민준님, 안녕하십니까.\n\nPartner KR에서 귀하를")


def nominate(client, world, email: str, **fields):
    return client.post(
        "/api/v1/nominations/",
        {"cohort": world["cohort"].pk, "name": "Test Cand", "email": email, **fields},
        format="json",
    )


def test_a_second_live_nomination_by_the_same_organisation_is_a_409_problem(jp, world):
    response = nominate(jp, world, "nominee-jp@example.org")

    body = response.json()
    assert (response.status_code, body["code"], body["detail"]) == (
        409,
        "already_nominated",
        "This person is already nominated for this cohort.",
    )


def test_the_duplicate_check_ignores_the_case_of_the_address(
    jp, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = nominate(jp, world, "cand@example.org")
        second = nominate(jp, world, "CAND@EXAMPLE.ORG")
        third = nominate(jp, world, "Nominee-JP@Example.org")

    assert (first.status_code, first.json()["email"]) == (201, "cand@example.org")
    assert (second.status_code, second.json()["code"]) == (409, "already_nominated")
    assert (third.status_code, third.json()["code"]) == (409, "already_nominated")
    assert [m.to for m in mail.outbox] == [["cand@example.org"]]


def test_an_address_typed_in_capitals_is_stored_in_lower_case(jp, world):
    response = nominate(jp, world, " Cand@Example.ORG ")

    assert (response.status_code, response.json()["email"]) == (201, "cand@example.org")
    assert Nomination.objects.get(pk=response.json()["id"]).email == "cand@example.org"


def test_another_organisations_nomination_tells_a_partner_nothing(
    world, django_capture_on_commit_callbacks
):
    """JP cannot read US's nominations, so POST must not tell JP of one either: the answer is
    the one an address nobody nominated gets, and the candidate is not mailed twice."""
    us, jp = client_for(world["US"].token), client_for(world["JP"].token)

    with django_capture_on_commit_callbacks(execute=True):
        by_us = nominate(us, world, "cand@example.org", language="ja", note="hi")
        by_jp = nominate(jp, world, "CAND@example.org", language="ja", note="hi")
        fresh = nominate(jp, world, "nobody@example.org", language="ja", note="hi")

    def shape(response):
        body = response.json()
        return response.status_code, {
            k: v for k, v in body.items() if k not in ("id", "email", "created_at")
        }

    assert shape(by_us) == shape(by_jp) == shape(fresh)
    assert shape(by_jp) == (
        201,
        {
            "cohort": world["cohort"].pk,
            "name": "Test Cand",
            "language": "ja",
            "note": "hi",
            "status": "invited",
            "application": None,
            "withdrawn_at": None,
        },
    )
    assert [m.to for m in mail.outbox] == [["cand@example.org"], ["nobody@example.org"]]
    assert mail.outbox[0].body.startswith("Test Cand 様\n\nPartner USがあなたを")
    logged = ActivityLog.objects.filter(action_type="exchanges.nomination.created").order_by("id")
    assert [entry.data["invitation_mailed"] for entry in logged] == [True, False, True]
    assert jp.get(f"/api/v1/nominations/{by_us.json()['id']}/").status_code == 404


def test_nominations_of_two_organisations_both_become_applied_and_the_first_is_recorded(world):
    us, jp = client_for(world["US"].token), client_for(world["JP"].token)
    first = nominate(us, world, "cand@example.org").json()
    second = nominate(jp, world, "cand@example.org").json()
    applicant = ApplicantFactory(email="Cand@example.org", country="JP")

    application = application_start(cohort=world["cohort"], applicant=applicant)

    assert application.nominated_by == world["US"].organisation
    assert Nomination.objects.get(pk=first["id"]).application == application
    second_after = jp.get(f"/api/v1/nominations/{second['id']}/").json()
    assert (second_after["status"], second_after["application"]) == ("applied", application.pk)


def test_a_nomination_for_a_closed_call_is_a_409_cohort_not_open(jp, world):
    cohort = world["cohort"]
    cohort.deadline = timezone.now() - dt.timedelta(minutes=1)
    cohort.save(update_fields=["deadline"])

    response = nominate(jp, world, "late@example.org")

    body = response.json()
    assert (response.status_code, body["code"], body["type"]) == (
        409,
        "cohort_not_open",
        "https://trilink.example/problems/cohort_not_open",
    )
    assert body["detail"] == "This call is not open for applications."


def test_starting_the_application_records_the_nominating_organisation(world):
    nomination = world["JP"].nomination
    applicant = ApplicantFactory(email="Nominee-JP@example.org", country="JP")

    application = application_start(cohort=world["cohort"], applicant=applicant)

    nomination.refresh_from_db()
    assert application.nominated_by == world["JP"].organisation
    assert (nomination.status, nomination.application) == (NominationStatus.APPLIED, application)


def test_withdraw_a_nomination_then_withdrawing_an_applied_one_is_a_409(jp, world):
    nomination = world["JP"].nomination

    first = jp.post(f"/api/v1/nominations/{nomination.pk}/withdraw/")
    again = jp.post(f"/api/v1/nominations/{nomination.pk}/withdraw/")
    applied = Nomination.objects.create(
        organisation=world["JP"].organisation,
        cohort=world["cohort"],
        name="B",
        email="b@example.org",
        status=NominationStatus.APPLIED,
    )
    refused = jp.post(f"/api/v1/nominations/{applied.pk}/withdraw/")

    assert (first.status_code, first.json()["status"]) == (200, "withdrawn")
    assert again.json() == first.json()
    assert refused.status_code == 409
    assert refused.json()["code"] == "nomination_applied"
    assert ActivityLog.objects.filter(action_type="exchanges.nomination.withdrawn").count() == 1


def test_the_fast_application_representation_equals_the_declared_serializer(world, rf):
    from api.serializers.applications import (  # noqa: PLC0415 -- test isolation: one case
        ApplicationOutputSerializer,
        FastApplicationOutputSerializer,
    )
    from exchanges.selectors.applications import (  # noqa: PLC0415 -- test isolation: one case
        applications_for_partner,
    )

    application = world["JP"].application
    application.birth_date = dt.date(2000, 2, 29)
    application.save(update_fields=["birth_date"])
    Nomination.objects.filter(pk=world["JP"].nomination.pk).update(application=application)
    Application.objects.filter(pk=application.pk).update(nominated_by=world["JP"].organisation)
    rows = list(applications_for_partner(organisation=world["JP"].organisation))
    context = {"request": rf.get("/api/v1/applications/")}

    fast = FastApplicationOutputSerializer(rows, many=True, context=context).data
    declared = ApplicationOutputSerializer(rows, many=True, context=context).data

    listed = client_for(world["JP"].token).get("/api/v1/applications/").json()["results"]

    assert fast == declared
    # The list reads rows as values and answers and documents per page: the same data.
    assert listed == declared
    assert [row["nominated_by"] for row in fast] == [world["JP"].organisation.pk, None]


def _declared(world, rf):
    from api.serializers.applications import (  # noqa: PLC0415 -- test isolation: one case
        ApplicationOutputSerializer,
    )
    from exchanges.selectors.applications import (  # noqa: PLC0415 -- test isolation: one case
        applications_for_partner,
    )

    rows = list(applications_for_partner(organisation=world["JP"].organisation))
    context = {"request": rf.get("/api/v1/applications/")}
    return ApplicationOutputSerializer(rows, many=True, context=context).data


@pytest.fixture
def timestamps(world):
    """The JP application with timestamps with and without microseconds, a second answer
    and a second document (the list orders them as the detail does)."""
    application = world["JP"].application
    whole = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    Application.objects.filter(pk=application.pk).update(
        created_at=whole,
        submitted_at=whole + dt.timedelta(microseconds=7),
        status_changed_at=whole + dt.timedelta(days=1),
    )
    step = world["cohort"].form.steps.get()
    first = step.questions.get()
    Question.objects.filter(pk=first.pk).update(position=5)
    earlier = Question.objects.create(step=step, kind=first.kind, label_en="Earlier", position=1)
    Answer.objects.create(application=application, question=earlier, value=["a", "b"])
    document = application.documents.get()
    Document.objects.filter(pk=document.pk).update(uploaded_at=whole + dt.timedelta(seconds=1))
    Document.objects.create(
        application=application,
        kind="other",
        file="other.pdf",
        original_name="other.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_at=whole + dt.timedelta(seconds=1, microseconds=5),
    )
    Document.objects.create(
        application=application,
        kind="other",
        file="early.pdf",
        original_name="early.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_at=whole,
    )
    return application


def test_the_list_writes_timestamps_and_orders_related_rows_as_the_declared_serializer(
    jp, world, rf, timestamps
):
    listed = jp.get("/api/v1/applications/").json()["results"]

    assert listed == _declared(world, rf)
    row = next(row for row in listed if row["id"] == timestamps.pk)
    assert (row["created_at"], row["submitted_at"], row["status_changed_at"]) == (
        "2026-01-02T03:04:05Z",
        "2026-01-02T03:04:05.000007Z",
        "2026-01-03T03:04:05Z",
    )
    assert next((answer["label"], answer["value"]) for answer in row["answers"]) == (
        "Earlier",
        ["a", "b"],
    )
    assert len(row["answers"]) == 2
    assert [document["original_name"] for document in row["documents"]] == [
        "early.pdf",
        "cv-JP.pdf",
        "other.pdf",
    ]
    assert row["documents"][2]["uploaded_at"] == "2026-01-02T03:04:06.000005Z"


def test_the_list_writes_timestamps_in_a_time_zone_the_request_activated(jp, world, rf, timestamps):
    """A time-zone cookie on an API request activates that zone (accounts' middleware); the
    database's UTC text is then converted like any other timestamp."""
    jp.cookies[settings.TIMEZONE_COOKIE_NAME] = "Asia/Seoul"

    listed = jp.get("/api/v1/applications/").json()["results"]

    with timezone.override("Asia/Seoul"):
        declared = _declared(world, rf)
    assert listed == declared
    row = next(row for row in listed if row["id"] == timestamps.pk)
    assert row["created_at"] == "2026-01-02T12:04:05+09:00"
    assert row["submitted_at"] == "2026-01-02T12:04:05.000007+09:00"
