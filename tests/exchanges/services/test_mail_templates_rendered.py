"""Every email template file is one the code renders: no dead templates, and no event without
its email."""

import ast
from pathlib import Path

import pytest

from exchanges.enums import MailTemplateKey
from exchanges.services import notify
from exchanges.services.notify import SYSTEM_EVENTS, WORKFLOW_KEYS, notify_application_event
from tests.factories.applications import ApplicationFactory

EMAILS = Path(__file__).resolve().parents[3] / "templates" / "emails"


def _names_queued_by_services() -> set[str]:
    """The literal ``name=`` of every system mail a service queues: ``notify`` (published
    matchings...) and the services that send their own (privacy's erasure mails)."""
    names = set()
    for module in Path(notify.__file__).parent.glob("*.py"):
        tree = ast.parse(module.read_text())
        names |= {
            keyword.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            for keyword in node.keywords
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant)
        }
    return names


def test_every_email_template_file_is_rendered_by_some_path():
    rendered = (
        {key.value for key in MailTemplateKey}
        | {f"application_{event}" for event in SYSTEM_EVENTS}
        | _names_queued_by_services()
        | {"layout"}
    )
    files = {path.name.split(".")[0] for path in EMAILS.rglob("*") if path.is_file()}

    assert sorted(files - rendered) == []


def test_every_system_event_has_its_template_in_each_language_or_the_fallback():
    missing = [
        f"{language}/application_{event}.{part}"
        for event in sorted(SYSTEM_EVENTS)
        for language in ("en", "ja", "ko")
        for part in ("subject.txt", "txt")
        if not (EMAILS / language / f"application_{event}.{part}").exists()
        and not (EMAILS / f"application_{event}.{part}").exists()
    ]

    assert missing == []


def test_workflow_and_system_events_do_not_overlap():
    assert set(WORKFLOW_KEYS) & SYSTEM_EVENTS == set()


@pytest.mark.django_db
def test_an_event_without_a_declared_email_is_refused():
    application = ApplicationFactory()

    with pytest.raises(ValueError, match="'promoted_twice'"):
        notify_application_event(application=application, event="promoted_twice")
