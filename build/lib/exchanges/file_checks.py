"""Deep checks of uploaded files: each accepted type is parsed by a maintained library.

The first bytes only say what a file claims to be. A file is accepted when it also *is* that
type through and through: a PDF opens with pypdf and has pages, an image decodes with Pillow
within a pixel limit, a DOCX is an OOXML package of bounded size. Anything active or hidden is
refused: scripts, launch actions and embedded files in a PDF, macros, ActiveX, OLE objects and
remote templates in a DOCX, and data appended after the end of a PDF, PNG or JPEG (the trick
behind polyglot files that are also HTML or ZIP). The EICAR anti-virus test signature is
refused anywhere, also inside a DOCX.

``inspect_upload`` returns None for an acceptable file and otherwise a ``Refusal`` whose code
names the reason; the translated message is the caller's (``exchanges.validators``). This
module imports nothing of the project and no Django.
"""

import io
import re
import zipfile
from dataclasses import dataclass

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JPEG = "image/jpeg"
PNG = "image/png"

# The EICAR test file's signature: anti-virus products treat it as a virus by convention.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

MAX_IMAGE_PIXELS = 40_000_000  # 40 megapixels: any photo or scan, no decompression bomb
MAX_PDF_OBJECTS = 50_000
MAX_DOCX_MEMBERS = 2_000
MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_DOCX_RATIO = 200  # uncompressed / compressed, per member

# PDF name objects that run or carry something: scripts, actions, embedded files and forms.
# (Links, /URI, and an /OpenAction that only sets the first view, as LaTeX writes, are fine:
# an action that runs a script or a program names one of these.)
PDF_ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Sound",
        "/Movie",
    }
)
_PDF_NAME = re.compile(rb"/(?:[A-Za-z0-9_.+-]|#[0-9A-Fa-f]{2})+")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_EOF = re.compile(rb"%%EOF")

# Parts of a Word package that hold code or other programs.
_DOCX_FORBIDDEN_PARTS = re.compile(
    r"(vbaProject\.bin|vbaData\.xml|/activeX/|/embeddings/|\.bin$|\.exe$|\.dll$|\.js$|"
    r"\.vbs$|\.ps1$|\.bat$|\.cmd$|\.scr$|\.hta$|\.html?$|\.mht(ml)?$|\.svg$)",
    re.IGNORECASE,
)
_DOCX_FORBIDDEN_TYPES = (
    b"macroEnabled",
    b"vbaProject",
    b"activeX",
    b"oleObject",
    b"application/x-msdownload",
)
# Relationship types that pull in code, programs, other documents or remote content.
_DOCX_FORBIDDEN_RELATIONSHIPS = tuple(
    b"relationships/" + kind
    for kind in (
        b"attachedTemplate",
        b"oleObject",
        b"aFChunk",
        b"package",
        b"control",
        b"activeXControl",
        b"vbaProject",
        b"frame",
        b"subDocument",
        b"externalLinkPath",
    )
)


@dataclass(frozen=True)
class Refusal:
    code: str
    detail: str = ""


def inspect_upload(data: bytes, content_type: str) -> Refusal | None:
    """Why ``data``, sniffed as ``content_type``, must be refused; None when it is acceptable."""
    if EICAR in data:
        return Refusal("malware", "EICAR test signature")
    checks = {PDF: _inspect_pdf, PNG: _inspect_png, JPEG: _inspect_jpeg, DOCX: _inspect_docx}
    check = checks.get(content_type)
    if check is None:
        return Refusal("type")
    return check(data)


# --- PDF ---------------------------------------------------------------------------------


def _pdf_names(data: bytes) -> set[str]:
    """Every name in the raw bytes, with ``#xx`` escapes decoded (``/J#61vaScript``)."""
    names = set()
    for match in _PDF_NAME.finditer(data):
        raw = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(0))
        names.add(raw.decode("latin-1"))
    return names


def _inspect_pdf(data: bytes) -> Refusal | None:
    import pypdf  # noqa: PLC0415 -- loaded on use: pypdf is heavy; only PDF uploads need it
    from pypdf.generic import DictionaryObject, IndirectObject  # noqa: PLC0415 -- loaded on use: as above

    if not data.startswith(b"%PDF-"):
        return Refusal("type")
    ends = list(_PDF_EOF.finditer(data))
    if not ends:
        return Refusal("damaged", "no %%EOF")
    if data[ends[-1].end() :].strip(b"\r\n\t \x00"):
        return Refusal("appended", "data after the last %%EOF")
    active = _pdf_names(data) & PDF_ACTIVE_NAMES
    if active:
        return Refusal("active", ", ".join(sorted(active)))
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return Refusal("encrypted")
        if len(reader.pages) < 1:
            return Refusal("damaged", "no pages")
        # Objects inside compressed object streams are invisible to the byte scan above.
        for number in list(getattr(reader, "xref_objStm", {}))[:MAX_PDF_OBJECTS]:
            obj = reader.get_object(IndirectObject(number, 0, reader))
            if isinstance(obj, DictionaryObject) and set(obj.keys()) & PDF_ACTIVE_NAMES:
                return Refusal("active", "in an object stream")
            if isinstance(obj, DictionaryObject) and obj.get("/S") in PDF_ACTIVE_NAMES:
                return Refusal("active", "action in an object stream")
        for page in reader.pages:
            page.mediabox  # noqa: B018 -- reading each page proves the page tree is whole
    except Exception as error:  # noqa: BLE001 -- any parser failure means a damaged file
        return Refusal("damaged", error.__class__.__name__)
    return None


# --- Images ------------------------------------------------------------------------------


def _decode_image(data: bytes, expected_format: str) -> Refusal | None:
    from PIL import Image  # noqa: PLC0415 -- loaded on use: Pillow is heavy; only image uploads need it

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected_format:
                return Refusal("type")
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS or width == 0 or height == 0:
                return Refusal("too_many_pixels", f"{width}x{height}")
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decodes every pixel: truncated or corrupt data fails here
    except Image.DecompressionBombError:
        return Refusal("too_many_pixels")
    except Exception as error:  # noqa: BLE001 -- any decoder failure means a damaged file
        return Refusal("damaged", error.__class__.__name__)
    return None


def _inspect_png(data: bytes) -> Refusal | None:
    end = data.rfind(b"IEND")
    # IEND is the last chunk: 4 bytes of type, then 4 bytes of CRC, then nothing.
    if end == -1:
        return Refusal("damaged", "no IEND")
    if data[end + 8 :]:
        return Refusal("appended", "data after IEND")
    return _decode_image(data, "PNG")


def _inspect_jpeg(data: bytes) -> Refusal | None:
    end = data.rfind(b"\xff\xd9")
    if end == -1:
        return Refusal("damaged", "no end of image")
    if data[end + 2 :].strip(b"\x00\r\n"):
        return Refusal("appended", "data after the end of the image")
    return _decode_image(data, "JPEG")


# --- DOCX --------------------------------------------------------------------------------


def _inspect_docx(data: bytes) -> Refusal | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return Refusal("damaged", "not a ZIP archive")
    with archive:
        members = archive.infolist()
        if len(members) > MAX_DOCX_MEMBERS:
            return Refusal("too_large_unpacked", "too many parts")
        names = [member.filename for member in members]
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            return Refusal("type")
        total = 0
        for member in members:
            name = member.filename
            if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
                return Refusal("active", "path outside the package")
            if member.flag_bits & 0x1:
                return Refusal("encrypted")
            if _DOCX_FORBIDDEN_PARTS.search(name):
                return Refusal("active", name)
            total += member.file_size
            if total > MAX_DOCX_UNCOMPRESSED:
                return Refusal("too_large_unpacked", "uncompressed size")
            if member.compress_size and member.file_size / member.compress_size > MAX_DOCX_RATIO:
                return Refusal("too_large_unpacked", "compression ratio")
        try:
            for member in members:
                # Reads at most the declared size plus one byte: a member that lies about its
                # size (a zip bomb) is caught without unpacking all of it.
                with archive.open(member) as handle:
                    content = handle.read(member.file_size + 1)
                if len(content) > member.file_size:
                    return Refusal("too_large_unpacked", "declared size exceeded")
                if EICAR in content:
                    return Refusal("malware", "EICAR test signature")
                lowered = member.filename.lower()
                if lowered == "[content_types].xml" and any(
                    marker.lower() in content.lower() for marker in _DOCX_FORBIDDEN_TYPES
                ):
                    return Refusal("active", "macro or object content type")
                if lowered.endswith(".rels") and any(
                    marker.lower() in content.lower() for marker in _DOCX_FORBIDDEN_RELATIONSHIPS
                ):
                    return Refusal("active", f"relationship in {member.filename}")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as error:
            return Refusal("damaged", error.__class__.__name__)
    # Data glued in front of the ZIP (an executable or HTML with the archive appended).
    if not data.startswith(b"PK\x03\x04"):
        return Refusal("appended", "data before the archive")
    return None
