import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exchanges.demo import demo_seed
from exchanges.demo.applications import demo_pdf
from exchanges.enums import ApplicationStatus
from exchanges.models import Application, Document, Question
from exchanges.validators import validate_upload

pytestmark = pytest.mark.django_db


def test_demo_pdf_is_a_valid_pdf():
    content = demo_pdf("CV - Minjun Kim")

    assert validate_upload(SimpleUploadedFile("cv.pdf", content), max_mb=1) == "application/pdf"
    assert content.endswith(b"%%EOF\n")
    xref = int(content.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert content[xref : xref + 4] == b"xref"


def test_demo_seed_creates_forms_and_every_status_once():
    first = demo_seed()
    second = demo_seed()

    # 4 open statuses x 6 + 6 closed statuses x 6; confirmed participants come from matching.
    assert first["applications_created"] == 60
    assert first["participants_created"] == 36
    assert second["applications_created"] == 0
    assert set(Application.objects.values_list("status", flat=True)) == set(
        ApplicationStatus.values
    )
    assert Question.objects.filter(label_ja="", label_ko="").count() == 0
    assert Question.objects.count() == 2 * 10
    # ... plus the 8 offers and waitlisted applications of the offers demo.
    assert Document.objects.count() == 60 + 8
    document = Document.objects.first()
    assert io.BytesIO(document.file.read()).read(5) == b"%PDF-"
