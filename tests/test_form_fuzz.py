"""Fuzz: generated garbage posted to every form view, as each kind of person who may open it,
never makes a 500 (hypothesis).

The targets are the project's URL patterns (tests/test_access_matrix.py walks them with real
objects): a page whose GET shows a ``<form method="post">`` is posted its own field names with
garbage values; a POST-only endpoint (405 on GET) gets garbage under made-up names. The
``fuzz`` marker lets CI run it on PostgreSQL, where constraint and type errors differ; locally
it runs on SQLite.
"""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.test_access_matrix import _path, _world, url_patterns

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

FORM = re.compile(r"<form\b[^>]*method=\"post\"", re.IGNORECASE)
FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)
# Ending the session would leave the rest of the run signed out.
SKIP = {"account_logout", "admin:logout", "set_language"}
ROLES = ("applicant", "reviewer", "partner_US", "secretariat", "superuser")

garbage = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        ["", "0", "-1", "1e309", "NaN", "2026-02-30", "\x00", "on", "../../etc/passwd"]
    ),
    st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
)


def _targets(world, clients) -> list[tuple[str, str, list[str]]]:
    targets = []
    for key, route, pattern in url_patterns():
        if key in SKIP or key.startswith("v1:") or key.startswith("api"):
            continue  # The API has its own fuzzing (Schemathesis in CI).
        if key.startswith("admin:") and key.endswith("_delete"):
            continue  # A confirmed delete (the Site, say) would break every later target.
        path = _path(world, key, route, pattern)
        for role in ROLES:
            response = clients[role].get(path)
            if response.status_code == 405:
                targets.append((role, path, ["value", "status", "pk", "note"]))
                break
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                html = response.content.decode("utf-8", "replace")
                if FORM.search(html):
                    names = sorted(set(FIELD.findall(html)) - {"csrfmiddlewaretoken"})
                    targets.append((role, path, names))
                    break
    return targets


@pytest.fixture
def fuzz_world(settings):
    settings.ACCOUNT_RATE_LIMITS = {}
    # The suite's N+1 guard raises inside views; here only what a server would answer counts.
    settings.ZEAL_RAISE = False
    world = _world()
    clients = {}
    for role, user in world["users"].items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    return world, clients, _targets(world, clients)


@settings(
    max_examples=3,
    deadline=None,
    # Each example posts to every target; shrinking such a payload would rerun the whole walk
    # for little: the failure message names the role, path and fields.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_garbage_posted_to_every_form_view_never_makes_a_500(fuzz_world, data, _no_secrets_in_logs):
    _world, clients, targets = fuzz_world
    assert len(targets) >= 150
    errors = []
    for role, path, names in targets:
        payload = {name: data.draw(garbage) for name in names}
        response = clients[role].post(path, payload)
        # Garbage posted to a password field is watched as a password (tests/log_secrets.py),
        # but it is no secret: Hypothesis also draws string constants of the project's own
        # code, which a logged traceback quotes (seen on PostgreSQL: a 403's traceback).
        _no_secrets_in_logs.secrets.difference_update(payload.values())
        if response.status_code >= 500:
            errors.append((role, path, payload))

    assert errors == []
