"""Email pages: the staff's outbox and template overrides with live preview, and the public
unsubscribe page reached from the link and the List-Unsubscribe header."""

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import permission_required

from accounts.models import User
from config.site import site_url
from exchanges.enums import Language, MailTemplateKey, Role
from exchanges.exceptions import ExchangeError
from exchanges.forms.mail import (
    MailTemplateForm,
    OutboxFilterForm,
    PreviewRecipientForm,
)
from exchanges.models import Application, Cohort, MailTemplate
from exchanges.selectors.mail import (
    outbox_attachments_of,
    outbox_list,
    outbox_template_keys,
    outbox_visible_to,
)
from exchanges.selectors.programs import cohorts_search
from exchanges.services.mail import (
    TEMPLATE_CONTEXT,
    mail_base_context,
    mail_opt_out,
    mail_render_source,
    mail_resend,
    mail_template_problem,
    mail_template_reset,
    mail_template_save,
    unsubscribe_email_from_token,
)
from exchanges.services.predeparture import predeparture_sections_text
from exchanges.services.surveys import survey_link_renew_for_mail
from exchanges.views.pagination import paginate

PAGE_SIZE = 50
# The templates page finds a cohort by search: this many matches per page.
COHORT_SEARCH_PAGE = 10
staff_mail = permission_required("exchanges.manage_mail", raise_exception=True)


# --- Outbox ----------------------------------------------------------------------------------


@login_required
@staff_mail
def outbox(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(
        request.GET or None, template_keys=outbox_template_keys(viewer=request.user)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    qs = outbox_list(
        viewer=request.user,
        search=filters.get("q", ""),
        status=filters.get("status", ""),
        template_key=filters.get("template", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        campaign_id=_int(request.GET.get("campaign")),
    )
    page = paginate(request, qs, per_page=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/mail/outbox.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@staff_mail
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mail = get_object_or_404(
        outbox_visible_to(viewer=request.user).select_related("campaign", "user"), pk=pk
    )
    return render(
        request,
        "staff/mail/outbox_detail.html",
        {"mail": mail, "attachments": outbox_attachments_of(mail=mail)},
    )


@login_required
@staff_mail
@require_POST
def outbox_resend(request: HttpRequest, pk: int) -> HttpResponse:
    mail = get_object_or_404(outbox_visible_to(viewer=request.user), pk=pk)
    try:
        mail_resend(mail=mail, actor=request.user)
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        # A survey invitation or reminder sent again is how staff give someone whose link
        # expired a working one: the same link, valid again from now.
        survey_link_renew_for_mail(mail=mail, now=timezone.now())
        messages.success(request, _("The email is queued again with the same Message-ID."))
    return redirect("staff:mail_detail", pk=pk)


# --- Template overrides ----------------------------------------------------------------------


def _cohort_or_none(cohort_id: int) -> Cohort | None:
    if cohort_id == 0:
        return None
    return get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)


@login_required
@staff_mail
def mail_templates(request: HttpRequest) -> HttpResponse:
    term = request.GET.get("cohort_q", "").strip()[:100]
    found = (
        paginate(request, cohorts_search(term=term), per_page=COHORT_SEARCH_PAGE, parameter="found")
        if term
        else None
    )
    cohort_id = _int(request.GET.get("cohort")) or 0
    cohort = _cohort_or_none(cohort_id)
    overrides = {(row.key, row.language): row for row in MailTemplate.objects.filter(cohort=cohort)}
    rows = [
        {
            "key": key,
            "label": label,
            "languages": [
                (
                    code,
                    name,
                    (key, code) in overrides,
                    (key, code) in overrides and bool(mail_template_problem(overrides[key, code])),
                )
                for code, name in Language.choices
            ],
        }
        for key, label in MailTemplateKey.choices
    ]
    return render(
        request,
        "staff/mail/templates.html",
        {
            "found": found,
            "cohort_term": term,
            "cohort": cohort,
            "cohort_id": cohort_id,
            "rows": rows,
        },
    )


def _shipped_source(key: str, language: str) -> tuple[str, str]:
    prefix = f"emails/{language}/{key}"
    subject = get_template(f"{prefix}.subject.txt").template.source.strip()
    text = get_template(f"{prefix}.txt").template.source.strip()
    return subject, text


def _preview_context(*, key: str, language: str, cohort: Cohort | None, recipient: User) -> dict:
    """The variables of ``key`` filled from a real cohort and person, with links to the
    pages they would point to."""
    cohort = cohort or Cohort.objects.select_related("program").first()
    site = site_url()
    with translation.override(language):
        context = mail_base_context(
            recipient=recipient, email=recipient.email, language=language, is_transactional=True
        )
        values = {"applicant_name": recipient.display_name, "site_url": site}
        if cohort is not None:
            deadline = timezone.localtime(cohort.deadline, timezone=_zone(recipient.time_zone))
            values |= {
                "program_name": cohort.program.name,
                "cohort_name": cohort.name,
                "deadline": formats.date_format(deadline, "DATETIME_FORMAT"),
                "starts_on": formats.date_format(cohort.starts_on, "DATE_FORMAT"),
                "ends_on": formats.date_format(cohort.ends_on, "DATE_FORMAT"),
                "respond_by": formats.date_format(
                    timezone.localdate() + dt.timedelta(days=cohort.offer_response_days),
                    "DATE_FORMAT",
                ),
                "days_to_departure": max(0, (cohort.starts_on - timezone.localdate()).days),
                "review_url": f"{site}{reverse('review:queue')}?cohort={cohort.pk}",
            }
            # Links to the person's own pages when they applied to this cohort.
            application = Application.objects.filter(cohort=cohort, applicant=recipient).first()
            if application is not None:
                status_url = site + application.get_absolute_url()
                values |= {
                    "application_url": status_url,
                    "offer_url": status_url,
                    "checklist_url": site
                    + reverse("apply:predeparture", kwargs={"pk": application.pk}),
                }
        today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
        values |= {
            "submitted_at": today,
            "due_date": today,
            "closes_on": today,
            "assignment_count": 3,
            "pending_count": 2,
            "waitlist_position": 1,
            "months_after": 6,
        }
        values["missing_items"] = predeparture_sections_text(["visa", "insurance"])
    for name in TEMPLATE_CONTEXT.get(key, ()):
        if name.endswith("_url"):
            values.setdefault(name, f"{site}/")
    return {**context, **{name: values.get(name, "") for name in TEMPLATE_CONTEXT[key]}}


def _zone(name: str):
    return zoneinfo.ZoneInfo(name or "UTC")


def _preview_recipient(email: str | None, viewer: User) -> User | None:
    qs = User.objects.filter(is_active=True)
    if email:
        return qs.filter(email__iexact=email).first()
    return qs.filter(role=Role.APPLICANT).order_by("id").first() or viewer


@login_required
@staff_mail
def mail_template_edit(
    request: HttpRequest, cohort_id: int, key: str, language: str
) -> HttpResponse:
    if key not in MailTemplateKey.values or language not in Language.values:
        raise Http404
    cohort = _cohort_or_none(cohort_id)
    override = MailTemplate.objects.filter(cohort=cohort, key=key, language=language).first()
    if override is None:
        subject, text = _shipped_source(key, language)
        override = MailTemplate(
            cohort=cohort, key=key, language=language, subject=subject, text_body=text
        )
    form = MailTemplateForm(request.POST or None, instance=override)
    if request.method == "POST" and "reset" in request.POST and override.pk:
        mail_template_reset(template=override, actor=request.user)
        messages.success(request, _("The shipped template is used again."))
        return redirect(reverse("staff:mail_templates") + f"?cohort={cohort_id}")
    if request.method == "POST" and form.is_valid():
        mail_template_save(template=form.save(commit=False), actor=request.user)
        messages.success(request, _("The template is saved."))
        return redirect(reverse("staff:mail_templates") + f"?cohort={cohort_id}")
    return render(
        request,
        "staff/mail/template_edit.html",
        {
            "form": form,
            "cohort": cohort,
            "cohort_id": cohort_id,
            "key": key,
            "key_label": MailTemplateKey(key).label,
            "language": language,
            "language_label": Language(language).label,
            "variables": TEMPLATE_CONTEXT[key],
            "preview_form": PreviewRecipientForm(),
            "is_override": override.pk is not None,
            # A saved override the sandbox refuses (saved before it did) is not sent.
            "problem": mail_template_problem(override) if override.pk else "",
        },
    )


@login_required
@staff_mail
@require_POST
def mail_template_preview(
    request: HttpRequest, cohort_id: int, key: str, language: str
) -> HttpResponse:
    """htmx: render the unsaved subject and text against a real person and cohort."""
    if key not in MailTemplateKey.values or language not in Language.values:
        raise Http404
    cohort = _cohort_or_none(cohort_id)
    recipient_form = PreviewRecipientForm(request.POST)
    email = recipient_form.cleaned_data["recipient"] if recipient_form.is_valid() else None
    recipient = _preview_recipient(email, request.user)
    error = rendered = None
    if recipient is None:
        error = _("Nobody with that email address was found.")
    else:
        try:
            rendered = mail_render_source(
                subject_source=request.POST.get("subject", ""),
                text_source=request.POST.get("text_body", ""),
                context=_preview_context(
                    key=key, language=language, cohort=cohort, recipient=recipient
                ),
                language=language,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "staff/mail/_preview.html",
        {
            "rendered": rendered,
            "error": error,
            "recipient": recipient,
        },
    )


# --- Campaigns -------------------------------------------------------------------------------


# RFC 8058 one-click unsubscribe: mail clients POST without a CSRF token; the signed token in
# the URL is the proof, and unsubscribing is the only thing it can do.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    email = unsubscribe_email_from_token(token=token)
    if email is None:
        return render(request, "mail/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        mail_opt_out(email=email)
        return render(request, "mail/unsubscribe.html", {"done": True, "email": email})
    return render(request, "mail/unsubscribe.html", {"email": email})
