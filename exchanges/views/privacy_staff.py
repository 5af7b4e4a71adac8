"""The secretariat's privacy pages: erasure requests with their deadline, the retention dry
run, and the privacy notices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from exchanges.exceptions import ExchangeError
from exchanges.forms.privacy import (
    ErasureCompleteForm,
    ErasureFilterForm,
    ErasureRefuseForm,
    PrivacyNoticeForm,
)
from exchanges.models import ErasureRequest, PrivacyNotice
from exchanges.selectors.privacy import erasure_requests_list, privacy_notices
from exchanges.services.privacy import (
    privacy_erasure_complete,
    privacy_erasure_refuse,
    privacy_notice_publish,
    privacy_notice_save,
    privacy_retention_report,
)
from exchanges.views.pagination import paginate

PAGE_SIZE = 50
manage_privacy = permission_required("exchanges.manage_privacy", raise_exception=True)


@login_required
@manage_privacy
def erasure_requests(request: HttpRequest) -> HttpResponse:
    form = ErasureFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    page = paginate(request, erasure_requests_list(status=status), per_page=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/privacy/erasure_requests.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _erasure_page(request, erasure, *, complete_form=None, refuse_form=None, status=200):
    return render(
        request,
        "staff/privacy/erasure_request.html",
        {
            "erasure": erasure,
            "complete_form": complete_form or ErasureCompleteForm(),
            "refuse_form": refuse_form or ErasureRefuseForm(),
            "applications": erasure.applicant.applications.select_related("cohort__program"),
        },
        status=status,
    )


def _erasure(pk: int) -> ErasureRequest:
    return get_object_or_404(erasure_requests_list(), pk=pk)


@login_required
@manage_privacy
def erasure_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _erasure_page(request, _erasure(pk))


@login_required
@manage_privacy
@require_POST
def erasure_complete(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = _erasure(pk)
    form = ErasureCompleteForm(request.POST)
    if not form.is_valid():
        return _erasure_page(request, erasure, complete_form=form, status=400)
    try:
        privacy_erasure_complete(erasure=erasure, actor=request.user)
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The applicant's data is erased."))
    return redirect("staff:erasure_request", pk=pk)


@login_required
@manage_privacy
@require_POST
def erasure_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = _erasure(pk)
    form = ErasureRefuseForm(request.POST)
    if not form.is_valid():
        return _erasure_page(request, erasure, refuse_form=form, status=400)
    try:
        privacy_erasure_refuse(
            erasure=erasure, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request is refused and the applicant is told why."))
    return redirect("staff:erasure_request", pk=pk)


@login_required
@manage_privacy
def retention_report(request: HttpRequest) -> HttpResponse:
    """The dry run of the retention rule: what tonight's job would anonymise. Changes nothing."""
    return render(request, "staff/privacy/retention.html", {"rows": privacy_retention_report()})


@login_required
@manage_privacy
def notices(request: HttpRequest) -> HttpResponse:
    page = paginate(request, privacy_notices(), per_page=PAGE_SIZE)
    return render(request, "staff/privacy/notices.html", {"page": page, "query": ""})


@login_required
@manage_privacy
def notice_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new draft (no ``pk``; prefilled with the latest version) or an existing draft."""
    notice = get_object_or_404(PrivacyNotice, pk=pk, published_at__isnull=True) if pk else None
    latest = privacy_notices().first()
    initial = {}
    if notice is None and latest is not None:
        initial = {"text_en": latest.text_en, "text_ja": latest.text_ja, "text_ko": latest.text_ko}
    form = PrivacyNoticeForm(request.POST or None, instance=notice, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = privacy_notice_save(actor=request.user, notice=notice, **form.cleaned_data)
        except ExchangeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The draft is saved. Publish it to make it current."))
            return redirect("staff:privacy_notice_edit", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "staff/privacy/notice_edit.html", {"form": form, "notice": notice}, status=status
    )


@login_required
@manage_privacy
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(PrivacyNotice, pk=pk)
    try:
        privacy_notice_publish(notice=notice, actor=request.user)
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The notice is published: new applications accept it."))
    return redirect("staff:privacy_notices")
