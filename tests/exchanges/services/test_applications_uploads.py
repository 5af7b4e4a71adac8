import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from exchanges.validators import DOCX_CONTENT_TYPE, validate_upload
from tests.uploads import DOCX, HOSTILE, JPEG, MINIMAL_PDF, PNG


def _zip(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("cv.pdf", MINIMAL_PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("essay.docx", DOCX, DOCX_CONTENT_TYPE),
        ("renamed.bin", MINIMAL_PDF, "application/pdf"),
    ],
)
def test_validate_upload_accepts_by_content(name, content, expected):
    assert validate_upload(SimpleUploadedFile(name, content), max_mb=10) == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("essay.docx", _zip(["xl/workbook.xml"])),
        ("cv.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        ("cv.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("cv.pdf", b"GIF89a" + b"\x00" * 50),
    ],
)
def test_validate_upload_refuses_other_content(name, content):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile(name, content), max_mb=10)

    assert excinfo.value.code == "file_type"


@pytest.mark.parametrize(("name", "content", "what"), HOSTILE, ids=[h[2] for h in HOSTILE])
def test_validate_upload_refuses_every_hostile_file(name, content, what):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile(name, content), max_mb=10)

    assert excinfo.value.code.startswith("file_")
