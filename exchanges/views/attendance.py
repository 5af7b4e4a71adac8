"""Certificates of completion: the participant's PDF and the public verification page that
the certificate's link opens (name, program and dates only)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from exchanges.selectors.applications import application_for_applicant
from exchanges.selectors.attendance import certificate_by_code, certificate_of
from exchanges.services.attendance_certificates import certificate_pdf, certificate_texts


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's own certificate as PDF; 404 for anyone else or before completion."""
    application = application_for_applicant(applicant=request.user, pk=pk)
    found = certificate_of(application=application) if application else None
    if found is None:
        raise Http404
    response = HttpResponse(certificate_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="trilink-certificate.pdf"'
    return response


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone with the link sees that the certificate is genuine."""
    found = certificate_by_code(code=code)
    if found is None:
        raise Http404
    return render(
        request,
        "attendance/verify.html",
        {"certificate": found, "texts": certificate_texts(found)},
    )
