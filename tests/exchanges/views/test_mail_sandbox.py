"""Staff email texts run in a sandbox: forbidden tags and filters are refused on save and in
the preview, and a stored text the sandbox refuses never blocks a decision."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from exchanges.enums import ApplicationStatus, Language, MailTemplateKey
from exchanges.models import Campaign, MailTemplate, OutgoingMail
from exchanges.services.mail import mail_template_problem
from exchanges.validators import validate_mail_template_source
from tests.factories.applications import ApplicationFactory

pytestmark = pytest.mark.django_db

FORBIDDEN_TAGS = [
    ("Hi {% include 'base.html' %}", "include"),
    ("{% include '/etc/passwd' %}", "include"),
    ("{% include '../config/settings/base.py' %}", "include"),
    ("{% extends 'base.html' %}", "extends"),
    ("{% load i18n %}", "load"),
    ("{% ssi '/etc/passwd' %}", "ssi"),
    ("{% debug %}", "debug"),
    ("{% url 'staff:mail_templates' %}", "url"),
    ("{% csrf_token %}", "csrf_token"),
    ("{% now 'Y' %}", "now"),
    ("{% for c in recipient_name %}{{ c }}{% endfor %}", "for"),
    ("{% autoescape off %}x{% endautoescape %}", "autoescape"),
]


@pytest.mark.parametrize(("source", "tag"), FORBIDDEN_TAGS)
def test_template_edit_refuses_forbidden_tag_and_keeps_the_input(staff_client, cohort, source, tag):
    url = reverse("staff:mail_template_edit", args=[cohort.pk, "decision_waitlisted", "en"])

    response = staff_client.post(url, {"subject": "Subject", "text_body": source})

    assert response.status_code == 200
    assert MailTemplate.objects.count() == 0
    assert response.context["form"].errors["text_body"] == [
        f"The tag “{tag}” is not allowed in email templates. Use variables, conditions "
        "(if / elif / else / endif) and the filters capfirst, default, lower, pluralize, "
        "title, truncatechars, truncatewords, upper."
    ]
    assert response.context["form"]["text_body"].value() == source


def test_template_edit_refuses_forbidden_filter_in_japanese(staff_client, secretariat, cohort):
    secretariat.preferred_language = "ja"
    secretariat.save(update_fields=["preferred_language"])
    url = reverse("staff:mail_template_edit", args=[cohort.pk, "decision_waitlisted", "ja"])

    response = staff_client.post(url, {"subject": "{{ recipient_name|safe }}", "text_body": "本文"})

    assert response.status_code == 200
    assert MailTemplate.objects.count() == 0
    assert (
        "フィルター「safe」はメールテンプレートでは使用できません。capfirst, default, lower, "
        "pluralize, title, truncatechars, truncatewords, upper のいずれかを使用してください。"
    ) in response.content.decode()


def test_template_edit_accepts_conditions_and_safe_filters(staff_client, cohort):
    url = reverse("staff:mail_template_edit", args=[cohort.pk, "decision_waitlisted", "en"])
    body = (
        "Dear {{ recipient_name|title }},\n{% if waitlist_position %}Position "
        "{{ waitlist_position|default:'?' }}{% else %}-{% endif %}"
    )

    response = staff_client.post(url, {"subject": "{{ program_name|upper }}", "text_body": body})

    assert response.status_code == 302
    assert MailTemplate.objects.get().text_body == body


@pytest.mark.parametrize(
    "source",
    [
        "{% include '/etc/passwd' %}",
        "{% include '../config/settings/base.py' %}",
        "Hi {% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{{ recipient_name|pprint }}",
        "{% if %}",
    ],
)
def test_template_preview_never_fails(staff_client, cohort, source):
    url = reverse("staff:mail_template_preview", args=[cohort.pk, "decision_accepted", "en"])

    response = staff_client.post(url, {"subject": "s", "text_body": source})

    assert response.status_code == 200
    assert response.context["rendered"] is None
    assert response.context["error"] == " ".join(_messages_of(source))
    assert response.context["error"] != ""


def _messages_of(source: str) -> list[str]:
    try:
        validate_mail_template_source(source)
    except Exception as error:  # noqa: BLE001 -- the test reads the validator's own messages
        return error.messages
    return []


def test_waitlisting_with_a_stored_bad_template_sends_the_shipped_one(
    staff_client, cohort, caplog, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(cohort=cohort, status=ApplicationStatus.UNDER_REVIEW)
    # Saved before the sandbox refused it: straight into the table, past the form.
    for code in Language.values:
        MailTemplate.objects.create(
            cohort=cohort,
            key=MailTemplateKey.DECISION_WAITLISTED,
            language=code,
            subject="Waiting list",
            text_body="Hi {% include 'base.html' %}",
        )

    with (
        caplog.at_level(logging.WARNING, logger="exchanges.services.mail"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = staff_client.post(
            reverse("staff:application", args=[application.pk]),
            {"to_status": "waitlisted", "reason": "Strong, but full"},
        )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITLISTED
    sent = OutgoingMail.objects.get(template_key=MailTemplateKey.DECISION_WAITLISTED)
    language = sent.language
    assert (language, sent.subject) == (
        "en",
        f"Your application to {cohort.program.name_en}: waiting list",
    )
    assert [m.subject for m in mail.outbox] == [sent.subject]
    warnings = [r.getMessage() for r in caplog.records if r.name == "exchanges.services.mail"]
    override = MailTemplate.objects.get(language=language)
    assert warnings == [
        f"Mail template override {override.pk} (decision_waitlisted, {language}, cohort "
        f"{cohort.pk}) cannot be used (template_forbidden_tag); the shipped template was "
        "sent instead."
    ]
    assert application.applicant.email not in warnings[0]


def test_templates_pages_mark_a_stored_override_the_sandbox_refuses(staff_client, cohort):
    bad = MailTemplate.objects.create(
        cohort=cohort,
        key=MailTemplateKey.DECISION_REJECTED,
        language="en",
        subject="s",
        text_body="{% include 'base.html' %}",
    )
    MailTemplate.objects.create(
        cohort=cohort,
        key=MailTemplateKey.DECISION_REJECTED,
        language="ja",
        subject="s",
        text_body="b",
    )

    listing = staff_client.get(reverse("staff:mail_templates"), {"cohort": cohort.pk})
    edit = staff_client.get(
        reverse("staff:mail_template_edit", args=[cohort.pk, "decision_rejected", "en"])
    )

    row = next(r for r in listing.context["rows"] if r["key"] == "decision_rejected")
    assert [unusable for _code, _name, _changed, unusable in row["languages"]] == [
        True,
        False,
        False,
    ]
    assert edit.context["problem"] == mail_template_problem(bad)
    assert edit.context["problem"].startswith("The tag “include” is not allowed")


@pytest.mark.parametrize("language", Language.values)
@pytest.mark.parametrize("key", MailTemplateKey.values)
def test_shipped_texts_pass_the_sandbox(staff_client, cohort, key, language):
    """The editor starts from the shipped text: saving it unchanged must work."""
    url = reverse("staff:mail_template_edit", args=[cohort.pk, key, language])
    initial = staff_client.get(url).context["form"].initial

    validate_mail_template_source(initial["subject"])
    validate_mail_template_source(initial["text_body"])


def test_campaign_form_refuses_include(staff_client, cohort):
    response = staff_client.post(
        reverse("staff:campaign_create"),
        {
            "name": "News",
            "cohort": cohort.pk,
            "subject_en": "News",
            "body_en": "{% include 'base.html' %}",
        },
    )

    assert response.status_code == 200
    assert Campaign.objects.count() == 0
    assert (
        response.context["form"].errors["body_en"][0].startswith("The tag “include” is not allowed")
    )
