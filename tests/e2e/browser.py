"""What the browser tests share: a browser signed in as a user, and axe's serious findings."""

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

SERIOUS_IMPACTS = frozenset({"serious", "critical"})
AXE = Axe()


def serious_violations(page) -> list[str]:
    """axe's serious and critical violations on the page, each with the elements it names."""
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in AXE.run(page).response["violations"]
        if violation["impact"] in SERIOUS_IMPACTS
    ]


def assert_accessible(page) -> None:
    assert serious_violations(page) == [], page.url


def sign_in(page, live_server, user) -> None:
    """Give the browser the session of ``user``, logged in through Django's test client (staff
    and reviewers have TOTP set up in the factories, so the MFA middleware lets them through)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
