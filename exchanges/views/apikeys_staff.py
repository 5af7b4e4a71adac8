"""Staff pages of partner API keys under /staff/api-keys/: the list with last use, issuing
(the full key shown once), changing name, scopes and expiry, and revoking.

The secretariat issues keys for any partner organisation; partner staff manage their own
organisation's keys only, and another organisation's key is not found (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from rules.contrib.views import permission_required

from api.services import api_key_create, api_key_revoke, api_key_update
from exchanges.enums import Role
from exchanges.exceptions import ExchangeError
from exchanges.forms.apikeys import ApiKeyChangeForm, ApiKeyIssueForm
from exchanges.selectors.apikeys import api_key_organisations_for, api_keys_visible_to
from exchanges.views.pagination import paginate

PAGE_SIZE = 50
manage_keys = permission_required("exchanges.manage_api_keys", raise_exception=True)


def _own_organisation(user):
    """Partner staff issue keys for their organisation only; the secretariat chooses."""
    return user.organisation if user.role == Role.PARTNER_STAFF else None


@login_required
@manage_keys
def api_keys(request: HttpRequest) -> HttpResponse:
    page = paginate(request, api_keys_visible_to(viewer=request.user), per_page=PAGE_SIZE)
    return render(request, "staff/apikeys/list.html", {"page": page})


@never_cache
@login_required
@manage_keys
def api_key_issue(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request.user)
    form = ApiKeyIssueForm(
        request.POST or None,
        organisations=api_key_organisations_for(viewer=request.user),
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            key, token = api_key_create(
                organisation=form.cleaned_organisation(),
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.cleaned_data["expires_at"],
                actor=request.user,
            )
        except ExchangeError as error:
            form.add_error(None, error.message)
        else:
            # Rendered, not redirected: the full key exists only in this response.
            return render(request, "staff/apikeys/issued.html", {"key": key, "token": token})
    return render(
        request,
        "staff/apikeys/form.html",
        {"form": form, "key": None, "organisation": organisation},
    )


@login_required
@manage_keys
def api_key_edit(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(api_keys_visible_to(viewer=request.user), pk=pk)
    if key.revoked_at is not None:
        messages.error(request, _("A revoked key cannot be changed."))
        return redirect("staff:api_keys")
    form = ApiKeyChangeForm(request.POST or None, key=key)
    if request.method == "POST" and form.is_valid():
        try:
            api_key_update(
                key=key,
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except ExchangeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The key is saved."))
            return redirect("staff:api_keys")
    return render(request, "staff/apikeys/form.html", {"form": form, "key": key})


@login_required
@manage_keys
def api_key_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes at once (the next request with it gets 401)."""
    key = get_object_or_404(api_keys_visible_to(viewer=request.user), pk=pk)
    if request.method == "POST":
        already = key.revoked_at is not None
        api_key_revoke(key=key, actor=request.user)
        if already:
            messages.info(request, _("The key was already revoked."))
        else:
            messages.success(
                request,
                _("The key “%(name)s” is revoked; it no longer works.") % {"name": key.name},
            )
        return redirect("staff:api_keys")
    return render(request, "staff/apikeys/revoke.html", {"key": key})
