"""Hostile files through the applicant's form and the referee's private link: every one is
refused with a clear message and nothing stored; accepted files come back byte for byte under
a server-made name, as attachments that are not sniffed."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.upload_handlers import OversizedUpload, SizeLimitedUploadHandler
from exchanges.models import Answer, Document
from tests.exchanges.views.conftest import questions_of
from tests.uploads import ACCEPTED, HOSTILE

pytestmark = pytest.mark.django_db

EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


def test_the_corpus_has_at_least_twenty_hostile_files():
    assert len(HOSTILE) >= 20


@pytest.mark.parametrize(("name", "content", "what"), HOSTILE, ids=[h[2] for h in HOSTILE])
def test_applicant_upload_refuses_hostile_file_and_keeps_other_answers(
    client, draft, name, content, what
):
    client.force_login(draft.applicant)
    _role, _essay, cv, note = questions_of(draft.cohort)

    response = client.post(
        reverse("apply:step", args=[draft.pk, 3]),
        {"action": "save", f"q{note.pk}": "Kept", f"q{cv.pk}": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors[f"q{cv.pk}"]
    assert error.startswith(f"“{name}”")
    assert Document.objects.count() == 0
    assert Answer.objects.get(question=note).value == "Kept"


def _referee_link(client, draft, django_capture_on_commit_callbacks) -> str:
    client.force_login(draft.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("apply:referees", args=[draft.pk]),
            {"name": "Prof. Tanaka", "email": "tanaka@example.ac.jp", "language": "ja"},
        )
    client.logout()
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/referee/" in line)
    return "/referee/" + link.split("/referee/", 1)[1].strip()


@pytest.fixture
def referee_path(client, draft, django_capture_on_commit_callbacks) -> str:
    return _referee_link(client, draft, django_capture_on_commit_callbacks)


@pytest.mark.parametrize(("name", "content", "what"), HOSTILE, ids=[h[2] for h in HOSTILE])
def test_referee_upload_refuses_hostile_file(client, referee_path, name, content, what):
    path = referee_path

    response = client.post(path, {"letter": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert response.context["form"].errors["letter"]
    assert Document.objects.count() == 0
    assert client.get(path).status_code == 200  # the link still works for a proper file


@pytest.mark.parametrize(
    ("name", "content", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED]
)
def test_accepted_file_downloads_under_a_server_made_name(
    client, draft, name, content, content_type
):
    client.force_login(draft.applicant)
    _role, _essay, cv, _note = questions_of(draft.cohort)

    client.post(
        reverse("apply:step", args=[draft.pk, 3]),
        {"action": "save", f"q{cv.pk}": SimpleUploadedFile(f"../../{name}", content)},
    )
    document = Document.objects.get()
    response = client.get(reverse("apply:document", args=[document.pk]))

    extension = EXTENSIONS[content_type]
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="cv-{document.pk}{extension}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert document.file.name.endswith(extension)
    assert name.rsplit(".", 1)[0] not in document.file.name
    with document.file.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize("sample", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_referee_letter_is_stored_byte_for_byte(
    client, referee_path, django_capture_on_commit_callbacks, sample
):
    name, content, content_type = sample
    path = referee_path

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"letter": SimpleUploadedFile(name, content)})

    letter = Document.objects.get(kind="recommendation")
    assert response.status_code == 200
    assert letter.content_type == content_type
    assert letter.file.name.endswith(EXTENSIONS[content_type])
    with letter.file.open("rb") as stored:
        assert stored.read() == content


def test_oversized_upload_is_cut_off_and_refused(client, draft, settings):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(draft.applicant)
    _role, _essay, cv, note = questions_of(draft.cohort)
    big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)

    response = client.post(
        reverse("apply:step", args=[draft.pk, 3]),
        {"action": "save", f"q{note.pk}": "Kept", f"q{cv.pk}": SimpleUploadedFile("big.pdf", big)},
    )

    assert response.context["form"].errors[f"q{cv.pk}"] == [
        "“big.pdf” is larger than 1 MB. Please upload a smaller file."
    ]
    assert Document.objects.count() == 0
    assert Answer.objects.get(question=note).value == "Kept"


def test_upload_handler_stops_storing_past_the_limit(settings):
    settings.MAX_UPLOAD_MB = 1
    handler = SizeLimitedUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", None)
    chunk = b"0" * (256 * 1024)

    passed = [handler.receive_data_chunk(chunk, n * len(chunk)) for n in range(8)]
    upload = handler.file_complete(8 * len(chunk))

    assert [p is not None for p in passed] == [True] * 4 + [False] * 4
    assert isinstance(upload, OversizedUpload)
    assert (upload.name, upload.size) == ("big.pdf", 8 * 256 * 1024)  # seen, not kept


def test_request_far_beyond_the_limit_is_refused_unread(client, draft, settings):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(draft.applicant)
    _role, _essay, cv, _note = questions_of(draft.cohort)

    response = client.post(
        reverse("apply:step", args=[draft.pk, 3]),
        {"action": "save", f"q{cv.pk}": SimpleUploadedFile("big.pdf", b"0" * (6 * 1024 * 1024))},
    )

    assert response.status_code == 400
    assert Document.objects.count() == 0
