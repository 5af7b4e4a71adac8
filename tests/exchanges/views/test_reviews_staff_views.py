"""Staff review pages: settings, rubric, pool, automatic and manual assignment, progress (and
its query count), the reviews section of an application, and who may do what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from exchanges.enums import ReviewAssignmentStatus
from exchanges.models import (
    CohortReviewSettings,
    OutgoingMail,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerPoolMember,
)
from exchanges.services.reviews import review_pool_add, review_submit
from tests.conftest import with_mfa
from tests.factories import OrganisationFactory, PartnerStaffFactory, ReviewerFactory
from tests.factories.applications import (
    ApplicationFactory,
    CohortFactory,
    FormStepFactory,
    QuestionFactory,
)
from tests.factories.reviews import (
    PoolMemberFactory,
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
    ReviewSettingsFactory,
)

pytestmark = pytest.mark.django_db

A = ReviewAssignmentStatus


@pytest.fixture
def cohort():
    cohort = CohortFactory()
    ReviewSettingsFactory(cohort=cohort, reviews_per_application=1)
    return cohort


def url(name, cohort, **kwargs):
    return reverse(f"staff:{name}", kwargs={"cohort_id": cohort.pk, **kwargs})


def test_settings_form_saves_and_marks_identifying_questions(staff_client, cohort):
    step = FormStepFactory(form__cohort=cohort)
    hometown = QuestionFactory(step=step, label_en="Hometown")
    QuestionFactory(step=step, label_en="Essay")
    foreign = QuestionFactory(label_en="Elsewhere")
    due = (timezone.now() + dt.timedelta(days=100)).replace(second=0, microsecond=0)

    response = staff_client.post(
        url("review_settings", cohort),
        {
            "reviews_per_application": "3",
            "avoid_same_country": "on",
            "blind": "on",
            "due_at": due.strftime("%Y-%m-%dT%H:%M"),
            "identifying_questions": [hometown.pk],
        },
    )

    assert response.status_code == 302
    saved = CohortReviewSettings.objects.get(cohort=cohort)
    assert (saved.reviews_per_application, saved.avoid_same_country, saved.blind) == (3, True, True)
    assert saved.due_at == due  # secretariat: UTC
    assert list(saved.identifying_questions.all()) == [hometown]
    refused = staff_client.post(
        url("review_settings", cohort),
        {"reviews_per_application": "0", "due_at": "soon", "identifying_questions": [foreign.pk]},
    )
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {
        "reviews_per_application",
        "due_at",
        "identifying_questions",
    }


def test_rubric_add_edit_and_lock(staff_client, cohort, secretariat):
    response = staff_client.post(
        url("review_rubric", cohort),
        {
            "name_en": "Motivation",
            "name_ja": "志望動機",
            "name_ko": "지원 동기",
            "weight": "2",
            "max_score": "5",
            "position": "",
        },
    )
    assert response.status_code == 302
    criterion = ReviewCriterion.objects.get(cohort=cohort)
    assert (criterion.name_ja, criterion.weight, criterion.max_score, criterion.position) == (
        "志望動機",
        Decimal("2.00"),
        5,
        1,
    )
    invalid = staff_client.post(
        url("review_rubric", cohort), {"name_en": "", "weight": "0", "max_score": "0"}
    )
    assert invalid.status_code == 400
    assert set(invalid.context["form"].errors) == {"name_en", "weight", "max_score"}

    assignment = ReviewAssignmentFactory(application__cohort=cohort)
    review_submit(assignment=assignment, actor=assignment.reviewer, scores={criterion.pk: 4})
    page = staff_client.get(url("review_rubric", cohort))
    assert page.context["locked"] is True
    assert page.context["form"] is None
    edit = staff_client.post(
        url("review_criterion", cohort, pk=criterion.pk),
        {"name_en": "Motivation and fit", "weight": "9", "max_score": "9"},
    )
    assert edit.status_code == 302
    criterion.refresh_from_db()
    assert (criterion.name_en, criterion.weight, criterion.max_score) == (
        "Motivation and fit",
        Decimal("2.00"),
        5,
    )


def test_pool_add_and_remove(staff_client, cohort, secretariat):
    reviewer = ReviewerFactory(given_name="Ken", family_name="Mori")

    response = staff_client.post(
        url("review_pool", cohort), {"reviewer": reviewer.pk, "max_assignments": "10"}
    )

    assert response.status_code == 302
    member = ReviewerPoolMember.objects.get(cohort=cohort)
    assert (member.reviewer, member.max_assignments, member.is_active) == (reviewer, 10, True)
    page = staff_client.get(url("review_pool", cohort))
    assert "Ken Mori" in page.content.decode()
    # Reviewers and secretariat staff not yet in the pool may be added.
    assert list(page.context["form"].fields["reviewer"].queryset) == [secretariat]
    assert staff_client.post(url("review_pool", cohort), {"reviewer": ""}).status_code == 400
    staff_client.post(url("review_pool_remove", cohort, pk=member.pk))
    member.refresh_from_db()
    assert member.is_active is False


def test_auto_assign_button_shows_the_result(staff_client, cohort, secretariat):
    own = ReviewerFactory(organisation=OrganisationFactory(name="Tohoku University"))
    review_pool_add(cohort=cohort, reviewer=own, actor=secretariat)
    fine = ApplicationFactory(cohort=cohort, submitted=True, institution="Kyoto University")
    blocked = ApplicationFactory(cohort=cohort, submitted=True, institution="tohoku university")

    response = staff_client.post(url("review_auto_assign", cohort), {"per_application": "1"})

    assert response.status_code == 200
    result = response.context["result"]
    assert result.assignments_created == 1
    assert [row["application"].pk for row in response.context["unfilled"]] == [blocked.pk]
    assert response.context["unfilled"][0]["reasons"] == [{"label": "same institution", "count": 1}]
    assert list(ReviewAssignment.objects.values_list("application_id", "reviewer_id")) == [
        (fine.pk, own.pk)
    ]
    assert OutgoingMail.objects.filter(recipient_email=own.email).count() == 1


def test_auto_assign_without_due_date_shows_the_reason(staff_client, secretariat):
    cohort = CohortFactory()
    ReviewSettingsFactory(cohort=cohort, due_at=None)

    response = staff_client.post(url("review_auto_assign", cohort), {"per_application": "2"})

    assert response.status_code == 400
    assert response.context["assign_form"].non_field_errors() == [
        "Set the review due date before assigning reviewers: the reviewers' emails give it."
    ]


def test_progress_counts_per_reviewer(staff_client, cohort):
    assignment = ReviewAssignmentFactory(application__cohort=cohort)
    ReviewAssignmentFactory(
        application__cohort=cohort, reviewer=assignment.reviewer, status=A.SUBMITTED
    )
    ReviewAssignmentFactory(
        application__cohort=cohort, reviewer=assignment.reviewer, status=A.CONFLICT
    )
    ReviewAssignmentFactory(reviewer=assignment.reviewer)  # another cohort

    response = staff_client.get(url("review", cohort))

    rows = [
        (m.reviewer_id, m.assigned, m.submitted, m.pending, m.conflicts)
        for m in response.context["page"].object_list
    ]
    assert rows == [(assignment.reviewer_id, 2, 1, 1, 1)]
    assert response.context["counts"] == {"reviewable": 3, "lacking": 1}


@pytest.mark.parametrize("count", [1, 3])
def test_progress_query_count(staff_client, cohort, count, django_assert_num_queries):
    for _ in range(count):
        ReviewAssignmentFactory(application__cohort=cohort)

    # session, user, MFA, cohort (permission), cohort, settings, current round, page count,
    # page rows, reviewable count, applications with enough reviewers, criteria count
    with django_assert_num_queries(12):
        response = staff_client.get(url("review", cohort))

    assert len(response.context["page"].object_list) == count


def test_partner_sees_progress_of_their_country_only(client, cohort):
    partner = with_mfa(PartnerStaffFactory(organisation__country="KR", partner_of=cohort.program))
    korean = ReviewAssignmentFactory(application__cohort=cohort, application__country="KR")
    ReviewAssignmentFactory(
        application__cohort=cohort, application__country="JP", reviewer=korean.reviewer
    )
    client.force_login(partner)

    response = client.get(url("review", cohort))

    assert response.status_code == 200
    assert [(m.assigned, m.pending) for m in response.context["page"].object_list] == [(1, 1)]
    assert response.context["assign_form"] is None
    assert (
        client.post(url("review_auto_assign", cohort), {"per_application": "1"}).status_code == 403
    )
    for name in ("review_settings", "review_rubric", "review_pool"):
        assert client.get(url(name, cohort)).status_code == 403
    elsewhere = CohortFactory()
    assert client.get(url("review", elsewhere)).status_code == 403


def test_applicant_gets_403_on_staff_review_pages(client, applicant, cohort):
    client.force_login(applicant)

    for name in ("review", "review_settings", "review_rubric", "review_pool"):
        assert client.get(url(name, cohort)).status_code == 403


def test_application_page_shows_reviews_and_assigns_by_hand(staff_client, cohort, secretariat):
    criterion = ReviewCriterionFactory(cohort=cohort, name_en="Motivation", max_score=5)
    done = ReviewAssignmentFactory(
        application__cohort=cohort, reviewer__given_name="Aiko", reviewer__family_name="Ito"
    )
    review_submit(
        assignment=done, actor=done.reviewer, scores={criterion.pk: 4}, comment="Thoughtful."
    )
    application = done.application
    spare = ReviewerFactory(given_name="Bo", family_name="Kang")
    PoolMemberFactory(cohort=cohort, reviewer=spare)
    detail = reverse("staff:application", args=[application.pk])

    page = staff_client.get(detail)

    assert page.status_code == 200
    assert page.context["reviews"].mean == Decimal("80.00")
    assert [m.reviewer for m in page.context["reviews"].candidates] == [spare]
    text = page.content.decode()
    assert "Mean weighted score: 80.00 of 100 from 1 review(s)." in text
    assert "Thoughtful." in text

    response = staff_client.post(
        reverse("staff:review_assign", args=[application.pk]), {"reviewer": spare.pk}
    )
    assert response.status_code == 302
    added = ReviewAssignment.objects.get(application=application, reviewer=spare)
    assert added.status == A.ASSIGNED
    response = staff_client.post(reverse("staff:review_unassign", args=[added.pk]))
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.status == A.REMOVED


def test_partner_cannot_assign_or_remove(client, cohort):
    partner = with_mfa(PartnerStaffFactory(organisation__country="KR", partner_of=cohort.program))
    assignment = ReviewAssignmentFactory(application__cohort=cohort, application__country="KR")
    client.force_login(partner)

    page = client.get(reverse("staff:application", args=[assignment.application_id]))
    assert page.status_code == 200
    assert page.context["review_assign_form"] is None
    assert client.post(reverse("staff:review_unassign", args=[assignment.pk])).status_code == 403
    assert (
        client.post(
            reverse("staff:review_assign", args=[assignment.application_id]),
            {"reviewer": assignment.reviewer_id},
        ).status_code
        == 403
    )


def test_manual_assign_of_an_application_out_of_scope_is_404(staff_client, cohort):
    application = ApplicationFactory(cohort=cohort, submitted=True)

    response = staff_client.post(
        reverse("staff:review_assign", args=[application.pk + 999]),
        {"reviewer": ReviewerFactory().pk},
    )

    assert response.status_code == 404


def test_every_staff_review_page_opens_for_the_secretariat(staff_client, cohort):
    criterion = ReviewCriterionFactory(cohort=cohort)
    PoolMemberFactory(cohort=cohort)

    for name, kwargs in (
        ("review", {}),
        ("review_settings", {}),
        ("review_rubric", {}),
        ("review_pool", {}),
        ("review_criterion", {"pk": criterion.pk}),
    ):
        response = staff_client.get(url(name, cohort, **kwargs))
        assert (name, response.status_code) == (name, 200)
    assert (
        f'href="{url("review", cohort)}"'
        in staff_client.get(reverse("staff:cohorts")).content.decode()
    )


def test_conflict_reason_is_for_the_secretariat_only(client, secretariat, cohort):
    partner = with_mfa(PartnerStaffFactory(organisation__country="KR", partner_of=cohort.program))
    declared = ReviewAssignmentFactory(
        application__cohort=cohort,
        application__country="KR",
        status=A.CONFLICT,
        conflict_reason="She is my niece.",
    )
    page = reverse("staff:application", args=[declared.application_id])

    client.force_login(partner)
    partner_view = client.get(page)
    client.force_login(secretariat)
    secretariat_view = client.get(page)

    assert partner_view.status_code == 200
    assert "She is my niece." not in partner_view.content.decode()
    assert "She is my niece." in secretariat_view.content.decode()
