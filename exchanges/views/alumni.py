"""Alumni pages: the directory, one's own profile (join, change, leave), another alumnus's
profile with a message form, and one's messages (reply, report).

Only alumni open these pages (``exchanges.join_alumni_directory``); anyone else gets 403,
a superuser included: the rule itself is tested, not Django's ``has_perm``, which grants a
superuser every permission although a superuser without an alumnus record has no profile to
rest on.
Each profile shows only the fields its alumnus shows to alumni; a message that is not the
viewer's own is 404.
"""

from functools import wraps

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchanges.enums import AlumniContact, country_label, language_label
from exchanges.exceptions import ExchangeError
from exchanges.forms.alumni import (
    AlumniDirectoryFilterForm,
    AlumniMessageForm,
    AlumniProfileForm,
    AlumniReportForm,
)
from exchanges.models import AlumniProfile
from exchanges.selectors.alumni import (
    AUDIENCE_ALUMNI,
    AUDIENCE_SELF,
    alumni_directory,
    alumni_directory_cohorts,
    alumni_directory_entry,
    alumni_is_suspended,
    alumni_message_for,
    alumni_messages_of,
    alumni_profile_of,
    alumni_record_for,
    alumni_visible_fields,
)
from exchanges.services.alumni import (
    alumni_message_report,
    alumni_message_send,
    alumni_profile_leave,
    alumni_profile_save,
)
from exchanges.views.pagination import paginate

PAGE_SIZE = 25
ALUMNUS = "exchanges.join_alumni_directory"


def alumnus_required(view):
    """403 unless the signed-in person is an alumnus by the rule (no superuser shortcut)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not rules.has_perm(ALUMNUS, request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def profile_card(profile: AlumniProfile, *, audience: str) -> dict:
    """What ``audience`` reads of ``profile``: hidden fields are left out, not blanked."""
    shown = alumni_visible_fields(profile=profile, audience=audience)
    card = {"profile": profile, "name": profile.display_name, "shown": shown}
    if shown["sector"] and profile.sector:
        card["sector"] = profile.get_sector_display()
    if shown["organisation"] and profile.organisation:
        card["organisation"] = profile.organisation
    if shown["country"] and profile.country:
        card["country"] = country_label(profile.country)
    if shown["cohort"]:
        card["cohort"] = f"{profile.cohort.program.name} · {profile.cohort.name}"
    if shown["languages"]:
        card["languages"] = [language_label(lang.code) for lang in profile.languages.all()]
    if shown["interests"] and profile.interests:
        card["interests"] = profile.interests
    card["mentoring"] = profile.open_to_mentoring
    card["takes_messages"] = profile.contact == AlumniContact.MESSAGES
    return card


def directory_page(request: HttpRequest, *, audience: str, template: str, extra: dict):
    """The directory list for alumni and staff alike (three queries for a page of rows)."""
    cohorts = list(alumni_directory_cohorts(viewer=request.user))
    form = AlumniDirectoryFilterForm(request.GET or None, cohorts=cohorts)
    filters = form.filters() if form.is_bound else {}
    page = paginate(
        request, alumni_directory(viewer=request.user, filters=filters), per_page=PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "cards": [profile_card(p, audience=audience) for p in page.object_list],
            "query": query.urlencode(),
            "filtered": bool(filters),
            **extra,
        },
    )


@login_required
@alumnus_required
def directory(request: HttpRequest) -> HttpResponse:
    return directory_page(
        request,
        audience=AUDIENCE_ALUMNI,
        template="alumni/directory.html",
        extra={"own_profile": alumni_profile_of(user=request.user)},
    )


@login_required
@alumnus_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """Another alumnus's profile (as alumni see it) and the form to message them."""
    entry = alumni_directory_entry(viewer=request.user, pk=pk)
    if entry is None:
        raise Http404
    own = alumni_profile_of(user=request.user)
    is_own = own is not None and own.pk == entry.pk
    can_message = (
        own is not None
        and not is_own
        and entry.contact == AlumniContact.MESSAGES
        and not alumni_is_suspended(user=request.user)
    )
    form = AlumniMessageForm(request.POST or None)
    if request.method == "POST":
        if not can_message:
            raise Http404
        if form.is_valid():
            try:
                alumni_message_send(
                    sender=request.user, recipient_profile=entry, body=form.cleaned_data["body"]
                )
            except ExchangeError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _("Your message to %(name)s is sent.") % {"name": entry.display_name},
                )
                return redirect("apply:alumni_messages")
    return render(
        request,
        "alumni/profile.html",
        {
            "card": profile_card(entry, audience=AUDIENCE_SELF if is_own else AUDIENCE_ALUMNI),
            "form": form,
            "own_profile": own,
            "is_own": is_own,
            "can_message": can_message,
        },
    )


@login_required
@alumnus_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Join the directory, or change what one's profile shows and to whom."""
    record = alumni_record_for(user=request.user)
    current = alumni_profile_of(user=request.user)
    form = AlumniProfileForm(
        request.POST or None,
        initial=AlumniProfileForm.initial_for(profile=current, record=record, user=request.user),
        country=country_label(record.country),
        cohort=f"{record.cohort.program.name} · {record.cohort.name}",
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = alumni_profile_save(
                user=request.user, actor=request.user, values=form.cleaned_data
            )
        except ExchangeError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("Your directory profile is saved.")
                if current
                else _("Welcome to the alumni directory."),
            )
            return redirect("apply:alumni_profile", pk=saved.pk)
    return render(
        request,
        "alumni/profile_edit.html",
        {
            "form": form,
            "profile": current,
            "record": record,
        },
    )


@login_required
@alumnus_required
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    """Leave the directory at once: the profile is deleted."""
    if alumni_profile_leave(user=request.user, actor=request.user):
        messages.success(
            request,
            _(
                "You have left the alumni directory and your profile is deleted. You can join "
                "again at any time."
            ),
        )
    return redirect("apply:alumni_directory")


@login_required
@alumnus_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = paginate(request, alumni_messages_of(user=request.user), per_page=PAGE_SIZE)
    rows = []
    for message in page.object_list:
        received = message.recipient_id == request.user.pk
        rows.append(
            {
                "message": message,
                "received": received,
                "other": message.sender_name if received else message.recipient_name,
            }
        )
    return render(request, "alumni/inbox.html", {"page": page, "rows": rows})


@login_required
@alumnus_required
def message(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the viewer's messages; the recipient can reply and report it."""
    found = alumni_message_for(user=request.user, pk=pk)
    if found is None:
        raise Http404
    received = found.recipient_id == request.user.pk
    form = AlumniMessageForm(request.POST or None)
    if request.method == "POST":
        if not received:
            raise Http404
        if form.is_valid():
            try:
                alumni_message_send(
                    sender=request.user, in_reply_to=found, body=form.cleaned_data["body"]
                )
            except ExchangeError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request, _("Your reply to %(name)s is sent.") % {"name": found.sender_name}
                )
                return redirect("apply:alumni_messages")
    return render(
        request,
        "alumni/message.html",
        {
            "msg": found,
            "received": received,
            "other": found.sender_name if received else found.recipient_name,
            "form": form,
            "report_form": AlumniReportForm(),
            "in_directory": alumni_profile_of(user=request.user) is not None,
        },
    )


@login_required
@alumnus_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    found = alumni_message_for(user=request.user, pk=pk)
    if found is None or found.recipient_id != request.user.pk:
        raise Http404
    form = AlumniReportForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    alumni_message_report(message=found, actor=request.user, reason=reason)
    messages.success(
        request, _("Thank you. The message is reported and the secretariat will review it.")
    )
    return redirect("apply:alumni_message", pk=found.pk)
