"""The admin covers every model of Trilink's apps, and each list and record opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.conftest import with_mfa
from tests.factories import SecretariatFactory
from tests.factories.applications import ApplicationFactory
from tests.factories.matching import MatchingProfileFactory
from tests.factories.placement import HostFactory
from tests.factories.predeparture import ChecklistFactory, ItineraryItemFactory
from tests.factories.reviews import (
    PoolMemberFactory,
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
    ReviewSettingsFactory,
)

pytestmark = pytest.mark.django_db

APP_LABELS = ("accounts", "exchanges", "api")
# allauth's legacy confirmation rows hold verification keys; Trilink uses HMAC keys instead
# and never stores them, so the model stays out of the admin.
NOT_IN_ADMIN = {"account.EmailConfirmation"}


def _our_models():
    return [model for model in apps.get_models() if model._meta.app_label in APP_LABELS]


@pytest.mark.parametrize("model", _our_models(), ids=lambda model: model._meta.label)
def test_admin_registers_every_model(model):
    assert model in admin.site._registry


def test_admin_every_changelist_and_change_page_opens_for_a_superuser(client):
    root = with_mfa(SecretariatFactory(is_superuser=True))
    client.force_login(root)
    application = ApplicationFactory(status="confirmed")
    MatchingProfileFactory(application=application)
    HostFactory(cohort=application.cohort)
    ChecklistFactory(application=application)
    ItineraryItemFactory(cohort=application.cohort)
    ReviewCriterionFactory(cohort=application.cohort)
    ReviewSettingsFactory(cohort=application.cohort)
    PoolMemberFactory(cohort=application.cohort)
    ReviewAssignmentFactory(application=application)
    failures = []

    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.label in NOT_IN_ADMIN:
            continue
        listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if listing.status_code != 200:
            failures.append((opts.label, "changelist", listing.status_code))
        obj = model._default_manager.first()
        if obj is not None:
            page = client.get(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            )
            if page.status_code != 200:
                failures.append((opts.label, "change", page.status_code))

    assert failures == []
