"""The public unsubscribe page, reached from the link and the List-Unsubscribe header."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from exchanges.services.mail import mail_opt_out, unsubscribe_email_from_token


# RFC 8058 one-click unsubscribe: mail clients POST without a CSRF token; the signed token in
# the URL is the proof, and unsubscribing is the only thing it can do.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    email = unsubscribe_email_from_token(token=token)
    if email is None:
        return render(request, "mail/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        mail_opt_out(email=email)
        return render(request, "mail/unsubscribe.html", {"done": True, "email": email})
    return render(request, "mail/unsubscribe.html", {"email": email})
