"""The applicant's privacy page (download everything, ask for erasure) and the public notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchanges.enums import Role
from exchanges.exceptions import ExchangeError
from exchanges.forms.privacy import ErasureRequestForm
from exchanges.models import PrivacyNotice
from exchanges.selectors.privacy import erasure_request_pending_of, privacy_notice_current
from exchanges.services.privacy import privacy_erasure_request, privacy_export_zip


def _page(request: HttpRequest, form: ErasureRequestForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "privacy/home.html",
        {
            "form": form,
            "pending": erasure_request_pending_of(user=request.user),
            "can_request_erasure": request.user.role == Role.APPLICANT,
        },
        status=status,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return _page(request, ErasureRequestForm())


@login_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    """Everything Trilink holds about the viewer, as a ZIP streamed while it is made."""
    archive = privacy_export_zip(user=request.user)
    response = StreamingHttpResponse(archive, content_type="application/zip")
    name = f"trilink-my-data-{timezone.now():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def erasure(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.APPLICANT:
        raise Http404
    form = ErasureRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        privacy_erasure_request(applicant=request.user)
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Your request is recorded. We have sent you an email with its deadline.")
        )
    return redirect("apply:privacy")


def notice(request: HttpRequest, version: int | None = None) -> HttpResponse:
    """The current privacy notice, or an earlier published version, in the reader's language."""
    if version is None:
        current = privacy_notice_current()
    else:
        current = get_object_or_404(PrivacyNotice, version=version, published_at__isnull=False)
    return render(request, "privacy/notice.html", {"notice": current})
