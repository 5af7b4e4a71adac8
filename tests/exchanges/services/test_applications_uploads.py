import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from exchanges.forms.applications import LetterUploadForm
from exchanges.validators import (
    DOCX_CONTENT_TYPE,
    UPLOAD_ACCEPT,
    UPLOAD_TYPES,
    upload_help_text,
    upload_types_text,
    validate_upload,
)
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


# --- one definition of the accepted types, in every label, hint, accept attribute and error ---


def test_every_accepted_type_is_named_and_sniffed():
    samples = {"application/pdf": MINIMAL_PDF, DOCX_CONTENT_TYPE: DOCX}
    samples |= {"image/jpeg": JPEG, "image/png": PNG}

    assert [kind.content_type for kind in UPLOAD_TYPES] == list(samples)
    for content_type, content in samples.items():
        assert validate_upload(SimpleUploadedFile("x", content), max_mb=10) == content_type
    assert UPLOAD_ACCEPT == ".pdf,.docx,.jpg,.jpeg,.png"


@pytest.mark.parametrize(
    ("language", "types", "hint", "refusal"),
    [
        (
            "en",
            "PDF, Word (DOCX), JPEG or PNG",
            "PDF, Word (DOCX), JPEG or PNG, up to 10 MB.",
            "“cv.gif” is not a PDF, Word (DOCX), JPEG or PNG file. "
            "The file's content was checked, not its name.",
        ),
        (
            "ja",
            "PDF、Word（DOCX）、JPEG、PNG",
            "PDF、Word（DOCX）、JPEG、PNG形式のファイル（10 MBまで）をアップロードできます。",
            "「cv.gif」はPDF、Word（DOCX）、JPEG、PNGのいずれの形式でもありません。"
            "ファイル名ではなく、ファイルの内容で判定しています。",
        ),
        (
            "ko",
            "PDF, Word(DOCX), JPEG 또는 PNG",
            "PDF, Word(DOCX), JPEG 또는 PNG 파일(최대 10MB)을 업로드할 수 있습니다.",
            "“cv.gif” 파일은 PDF, Word(DOCX), JPEG 또는 PNG 형식이 아닙니다. "
            "파일 이름이 아니라 파일 내용을 기준으로 확인했습니다.",
        ),
    ],
)
def test_hints_and_refusal_name_the_same_types(language, types, hint, refusal):
    with translation.override(language):
        assert upload_types_text() == types
        assert upload_help_text(max_mb=10) == hint
        assert LetterUploadForm().fields["letter"].help_text == hint
        with pytest.raises(ValidationError) as error:
            validate_upload(SimpleUploadedFile("cv.gif", b"GIF89a" + b"\x00" * 50), max_mb=10)
        assert error.value.messages == [refusal]


def test_letter_and_question_inputs_accept_the_same_types():
    letter = LetterUploadForm().fields["letter"].widget.attrs["accept"]

    assert letter == UPLOAD_ACCEPT
