"""Certificates of completion as PDF, in the participant's language, drawn with reportlab.

Japanese and Korean text use reportlab's built-in Adobe CID fonts (HeiseiKakuGo-W5 and
HYGothic-Medium): they need no font file on the server or in the repository, and every
common PDF reader maps them to its own Japanese or Korean font. The trade-off is that the
glyphs are not embedded, so the exact typeface depends on the reader; English uses the
standard Helvetica. Each certificate prints its public verification link.
"""

import io

from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from config.site import absolute_url
from exchanges.models import Certificate

FONTS = {"ja": "HeiseiKakuGo-W5", "ko": "HYGothic-Medium", "en": "Helvetica"}
_registered: set[str] = set()


def _font(language: str) -> str:
    name = FONTS.get(language, "Helvetica")
    if name != "Helvetica" and name not in _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(name))
        _registered.add(name)
    return name


def certificate_texts(certificate: Certificate) -> dict:
    """The certificate's lines in its language (also shown on the verification page)."""
    application = certificate.application
    cohort = application.cohort
    with translation.override(certificate.language):
        return {
            "title": _("Certificate of completion"),
            "name": application.applicant.display_name,
            "statement": _("has completed the program %(program)s, %(cohort)s.")
            % {"program": cohort.program.name, "cohort": cohort.name},
            "dates": _("From %(start)s to %(end)s")
            % {
                "start": formats.date_format(cohort.starts_on, "DATE_FORMAT"),
                "end": formats.date_format(cohort.ends_on, "DATE_FORMAT"),
            },
            "attendance": _("Sessions attended: %(percent)s%%")
            % {"percent": certificate.attendance_percent},
            "issued": _("Issued on %(date)s")
            % {"date": formats.date_format(certificate.issued_at, "DATE_FORMAT")},
            "verify": _("Verify this certificate at %(url)s")
            % {"url": absolute_url(certificate.get_absolute_url())},
        }


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as a one-page landscape A4 PDF."""
    texts = certificate_texts(certificate)
    font = _font(certificate.language)
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(texts["title"])
    pdf.setAuthor("Trilink")
    pdf.setSubject(texts["statement"])
    pdf.setStrokeColor(HexColor("#1d3f6e"))
    pdf.setLineWidth(4)
    pdf.rect(28, 28, width - 56, height - 56)
    pdf.setFillColor(HexColor("#1d3f6e"))
    pdf.setFont(font, 34)
    pdf.drawCentredString(width / 2, height - 140, texts["title"])
    pdf.setFillColor(HexColor("#000000"))
    pdf.setFont(font, 28)
    pdf.drawCentredString(width / 2, height - 230, texts["name"])
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, height - 280, texts["statement"])
    pdf.drawCentredString(width / 2, height - 310, texts["dates"])
    pdf.drawCentredString(width / 2, height - 340, texts["attendance"])
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, 110, texts["issued"])
    pdf.setFont(font, 10)
    pdf.drawCentredString(width / 2, 80, texts["verify"])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
