"""Staff pages of campaigns: staff messages to a filtered audience, with preview, schedule,
sending progress and cancellation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect
from rules.contrib.views import permission_required

from exchanges.enums import CampaignStatus, Language
from exchanges.exceptions import ExchangeError
from exchanges.forms.campaigns import CampaignForm, CampaignScheduleForm
from exchanges.selectors.campaigns import (
    campaign_audience,
    campaign_preview_recipients,
    campaign_progress,
    campaigns_list,
    campaigns_visible_to,
)
from exchanges.services.campaigns import (
    campaign_cancel,
    campaign_preview,
    campaign_save,
    campaign_send,
)
from exchanges.views.pagination import paginate

PAGE_SIZE = 50
staff_mail = permission_required("exchanges.manage_mail", raise_exception=True)


@login_required
@staff_mail
def campaigns(request: HttpRequest) -> HttpResponse:
    page = paginate(request, campaigns_list(viewer=request.user), per_page=PAGE_SIZE)
    return render(request, "staff/campaigns/list.html", {"page": page})


@login_required
@staff_mail
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    campaign = None
    if pk is not None:
        campaign = get_object_or_404(campaigns_visible_to(viewer=request.user), pk=pk)
        if campaign.status != CampaignStatus.DRAFT:
            messages.error(request, _("Only a draft campaign can be changed."))
            return redirect(campaign)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        campaign = campaign_save(campaign=form.save(commit=False), actor=request.user)
        messages.success(
            request, _("The campaign is saved as a draft. Check the preview before sending it.")
        )
        return redirect(campaign)
    return render(request, "staff/campaigns/form.html", {"form": form, "campaign": campaign})


@login_required
@staff_mail
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(viewer=request.user), pk=pk)
    recipients = campaign_preview_recipients(campaign=campaign)
    previews = []
    for code, name in Language.choices:
        recipient = recipients[code]
        try:
            previews.append(
                {
                    "code": code,
                    "name": name,
                    "recipient": recipient,
                    "rendered": campaign_preview(
                        campaign=campaign, language=code, recipient=recipient
                    ),
                }
            )
        except ValidationError as exc:
            previews.append({"code": code, "name": name, "error": " ".join(exc.messages)})
    return render(
        request,
        "staff/campaigns/detail.html",
        {
            "campaign": campaign,
            "previews": previews,
            "audience_count": campaign_audience(campaign=campaign).count(),
            "schedule_form": CampaignScheduleForm(),
            "progress": campaign_progress(campaign=campaign),
        },
    )


@login_required
@staff_mail
@require_POST
def campaign_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(viewer=request.user), pk=pk)
    form = CampaignScheduleForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("send_at", []):
            messages.error(request, error)
        return redirect(campaign)
    try:
        campaign_send(
            campaign=campaign, actor=request.user, scheduled_at=form.cleaned_data["send_at"]
        )
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The campaign is scheduled.")
            if form.cleaned_data["send_at"]
            else _("The campaign is being sent."),
        )
    return redirect(campaign)


@login_required
@staff_mail
@require_POST
def campaign_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(viewer=request.user), pk=pk)
    try:
        campaign_cancel(campaign=campaign, actor=request.user)
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The campaign is cancelled; messages not yet sent will not go out.")
        )
    return redirect(campaign)


@login_required
@staff_mail
def campaign_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the progress bar, polled every two seconds while the campaign is sending; once it
    is not (sent or cancelled) the browser reloads the page, so status and actions follow."""
    campaign = get_object_or_404(campaigns_visible_to(viewer=request.user), pk=pk)
    if campaign.status != CampaignStatus.SENDING and request.htmx:
        return HttpResponseClientRedirect(campaign.get_absolute_url())
    return render(
        request,
        "staff/campaigns/_progress.html",
        {
            "campaign": campaign,
            "progress": campaign_progress(campaign=campaign),
        },
    )
