"""The reviewer area: own assignments only, blind mode, the review and conflict forms, the
queue's query count, and who may enter at all."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from exchanges.enums import DocumentKind, ReviewAssignmentStatus
from exchanges.models import Answer, Document, Review
from tests.conftest import with_mfa
from tests.factories import PartnerStaffFactory, ReviewerFactory
from tests.factories.applications import MINIMAL_PDF, FormStepFactory, QuestionFactory
from tests.factories.reviews import (
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
    ReviewSettingsFactory,
)

pytestmark = pytest.mark.django_db

A = ReviewAssignmentStatus


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def assignment(reviewer):
    assignment = ReviewAssignmentFactory(
        reviewer=reviewer,
        application__institution="Ewha Womans University",
        application__applicant__given_name="Sora",
        application__applicant__family_name="Han",
        application__applicant__email="sora.han@example.org",
    )
    ReviewSettingsFactory(cohort=assignment.cohort)
    step = FormStepFactory(form__cohort=assignment.cohort, title_en="About you")
    hometown = QuestionFactory(step=step, label_en="Hometown")
    essay = QuestionFactory(step=step, label_en="Essay")
    cv = QuestionFactory(step=step, label_en="CV", kind="file", document_kind="cv")
    Answer.objects.create(application=assignment.application, question=hometown, value="Daegu")
    Answer.objects.create(
        application=assignment.application, question=essay, value="Bridges between people."
    )
    document = Document(
        application=assignment.application,
        question=cv,
        kind=DocumentKind.CV,
        original_name="Han_Sora_CV.pdf",
        content_type="application/pdf",
        size=len(MINIMAL_PDF),
        sha256="0" * 64,
    )
    document.file.save("upload", ContentFile(MINIMAL_PDF), save=False)
    document.save()
    assignment.questions = {"hometown": hometown, "essay": essay, "cv": cv}
    assignment.document = document
    assignment.criteria = [
        ReviewCriterionFactory(cohort=assignment.cohort, name_en="Motivation", max_score=5),
        ReviewCriterionFactory(
            cohort=assignment.cohort, name_en="Leadership", max_score=10, weight=Decimal("2")
        ),
    ]
    return assignment


def _url(assignment, name="review:assignment"):
    return reverse(name, kwargs={"pk": assignment.pk})


def test_queue_shows_only_own_assignments_pending_first(reviewer_client, reviewer, assignment):
    done = ReviewAssignmentFactory(
        reviewer=reviewer,
        cohort=assignment.cohort,
        application__cohort=assignment.cohort,
        status=A.SUBMITTED,
    )
    ReviewAssignmentFactory(reviewer=reviewer, status=A.REMOVED)
    ReviewAssignmentFactory()  # someone else's

    response = reviewer_client.get(reverse("review:queue"))

    assert response.status_code == 200
    assert [row["assignment"].pk for row in response.context["rows"]] == [assignment.pk, done.pk]
    assert "Sora Han" in response.content.decode()


def test_queue_filters_by_cohort(reviewer_client, reviewer, assignment):
    other = ReviewAssignmentFactory(reviewer=reviewer)

    response = reviewer_client.get(reverse("review:queue"), {"cohort": other.cohort_id})

    assert [row["assignment"].pk for row in response.context["rows"]] == [other.pk]


@pytest.mark.parametrize("count", [1, 3])
def test_queue_query_count(reviewer_client, reviewer, count, django_assert_num_queries):
    for _ in range(count):
        ReviewAssignmentFactory(reviewer=reviewer)

    # session, user, MFA check, cohorts for the filter, page count, page rows
    with django_assert_num_queries(6):
        response = reviewer_client.get(reverse("review:queue"))

    assert len(response.context["rows"]) == count


def test_someone_elses_assignment_is_404(reviewer_client, assignment):
    other = ReviewAssignmentFactory(application=assignment.application)

    for url in (
        _url(other),
        reverse("review:document", kwargs={"pk": other.pk, "document_id": assignment.document.pk}),
    ):
        assert reviewer_client.get(url).status_code == 404
    assert reviewer_client.post(_url(other), {}).status_code == 404
    assert (
        reviewer_client.post(_url(other, "review:declare_conflict"), {"reason": "x"}).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.status == A.ASSIGNED


def test_review_page_shows_the_application_and_rubric(reviewer_client, assignment):
    response = reviewer_client.get(_url(assignment))

    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Sora Han",
        "sora.han@example.org",
        "Ewha Womans University",
        "Daegu",
        "Han_Sora_CV.pdf",
        "Motivation",
        "Leadership",
        "From 0 to 10.",
    ):
        assert text in page
    assert list(response.context["form"].fields) == [
        f"score_{assignment.criteria[0].pk}",
        f"score_{assignment.criteria[1].pk}",
        "comment",
        "recommendation",
    ]


def test_blind_mode_hides_identifying_fields_and_file_names(reviewer_client, assignment):
    review_settings = assignment.cohort.review_settings
    review_settings.blind = True
    review_settings.save()
    review_settings.identifying_questions.set([assignment.questions["hometown"]])

    response = reviewer_client.get(_url(assignment))

    page = response.content.decode()
    for text in ("Sora", "Han_Sora", "sora.han@example.org", "Ewha", "Daegu"):
        assert text not in page
    assert "Bridges between people." in page
    # A CV names the applicant in its content: withheld, its download too.
    assert "CV or résumé (document 1)" not in page
    assert (
        "CVs, recommendation letters and the files of identifying questions are withheld, "
        "as their content names the applicant." in page
    )
    download = reviewer_client.get(
        reverse(
            "review:document", kwargs={"pk": assignment.pk, "document_id": assignment.document.pk}
        )
    )
    assert download.status_code == 404
    queue = reviewer_client.get(reverse("review:queue"))
    assert [row["title"] for row in queue.context["rows"]] == [
        f"Application {assignment.application_id}"
    ]


def test_blind_mode_withholds_documents_of_identifying_questions(reviewer_client, assignment):
    review_settings = assignment.cohort.review_settings
    review_settings.blind = True
    review_settings.save()
    review_settings.identifying_questions.set([assignment.questions["cv"]])
    url = reverse(
        "review:document", kwargs={"pk": assignment.pk, "document_id": assignment.document.pk}
    )

    assert reviewer_client.get(url).status_code == 404
    assert "document 1" not in reviewer_client.get(_url(assignment)).content.decode()


def test_document_download_has_a_server_made_name_when_not_blind(reviewer_client, assignment):
    response = reviewer_client.get(
        reverse(
            "review:document", kwargs={"pk": assignment.pk, "document_id": assignment.document.pk}
        )
    )

    assert response["Content-Disposition"] == (
        f'attachment; filename="cv-{assignment.document.pk}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"


def test_submitting_the_review_form(reviewer_client, assignment):
    first, second = assignment.criteria

    response = reviewer_client.post(
        _url(assignment),
        {
            f"score_{first.pk}": "5",
            f"score_{second.pk}": "5",
            "comment": "Clear goals.",
            "recommendation": "recommend",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('review:queue')}?cohort={assignment.cohort_id}"
    review = Review.objects.get()
    # 100 × (1 × 5/5 + 2 × 5/10) / 3
    assert (review.weighted_score, review.comment) == (Decimal("66.67"), "Clear goals.")


def test_invalid_review_keeps_what_was_typed(reviewer_client, assignment):
    first, second = assignment.criteria

    response = reviewer_client.post(
        _url(assignment),
        {f"score_{first.pk}": "7", f"score_{second.pk}": "", "comment": "Keep this text."},
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {
        f"score_{first.pk}": ["Ensure this value is less than or equal to 5."],
        f"score_{second.pk}": ["Give a score for this criterion."],
    }
    content = response.content.decode()
    assert "Keep this text." in content
    # The page opens at the form, which starts by saying something needs correcting.
    assert (f'<form method="post" action="{_url(assignment)}#review-heading"') in content
    assert (
        '<div class="alert alert-danger col-lg-8" role="alert">Please correct the errors '
        "below. Your answers are kept.</div>"
    ) in content
    assert Review.objects.count() == 0


def test_review_page_without_errors_has_no_error_alert(reviewer_client, assignment):
    content = reviewer_client.get(_url(assignment)).content.decode()

    assert "Please correct the errors below." not in content


def test_declaring_a_conflict(reviewer_client, assignment):
    empty = reviewer_client.post(_url(assignment, "review:declare_conflict"), {"reason": ""})
    assert empty.status_code == 400
    assert empty.context["conflict_form"].errors == {
        "reason": ["Say briefly why you have a conflict of interest."]
    }

    response = reviewer_client.post(
        _url(assignment, "review:declare_conflict"), {"reason": "She was my student."}
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.status, assignment.conflict_reason) == (A.CONFLICT, "She was my student.")


def test_reviewer_declares_institutions(reviewer_client, reviewer):
    response = reviewer_client.post(
        reverse("review:institutions"), {"institution": "  Keio   University "}
    )
    assert response.status_code == 302
    conflict = reviewer.review_conflicts.get()
    assert (conflict.institution, conflict.normalised) == ("Keio University", "keiouniversity")
    assert (
        reviewer_client.post(reverse("review:institutions"), {"institution": ""}).status_code == 400
    )

    other = ReviewerFactory()
    foreign = other.review_conflicts.create(institution="X", normalised="x")
    assert (
        reviewer_client.post(reverse("review:institution_remove", args=[foreign.pk])).status_code
        == 404
    )
    assert (
        reviewer_client.post(reverse("review:institution_remove", args=[conflict.pk])).status_code
        == 302
    )
    assert reviewer.review_conflicts.count() == 0


def test_reviewers_cannot_reach_staff_pages(reviewer_client, assignment):
    for url in (
        reverse("staff:dashboard"),
        reverse("staff:cohorts"),
        reverse("staff:review", args=[assignment.cohort_id]),
        reverse("staff:application", args=[assignment.application_id]),
    ):
        assert reviewer_client.get(url).status_code == 403


def test_applicants_and_partners_cannot_enter_the_review_area(client, applicant, assignment):
    partner = with_mfa(PartnerStaffFactory())
    for user in (applicant, partner):
        client.force_login(user)
        assert client.get(reverse("review:queue")).status_code == 403
        assert client.get(_url(assignment)).status_code == 403
    client.logout()
    assert client.get(reverse("review:queue")).status_code == 302  # to the login page


def test_secretariat_may_open_the_review_area(staff_client, assignment):
    response = staff_client.get(reverse("review:queue"))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert staff_client.get(_url(assignment)).status_code == 404  # not their assignment


def test_reviewers_without_mfa_are_sent_to_set_it_up(client):
    reviewer = ReviewerFactory()
    client.force_login(reviewer)

    response = client.get(reverse("review:queue"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_navigation_shows_reviews_to_reviewers(reviewer_client):
    page = reviewer_client.get(reverse("review:queue")).content.decode()

    assert f'href="{reverse("review:queue")}">Reviews</a>' in page
