"""The domain exception hierarchy. Services raise these; views and the API translate them.

The API's exception handler turns an ``ExchangeError`` into ``{"detail": ...}`` with the
class's ``status_code``; web views show ``message`` as a form error or a message.
"""

import re

from django.utils.translation import gettext_lazy as _


class ExchangeError(Exception):
    """``code`` is stable and meant for programs (the API's problem ``code``): the one
    given, else the class name in snake case (``QuotaExceeded`` -> ``quota_exceeded``), as
    every code of the API is."""

    status_code = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, code: str | None = None) -> None:
        self.message = message or self.default_message
        self.code = code or re.sub(r"(?<!^)(?=[A-Z])", "_", self.__class__.__name__).lower()
        super().__init__(str(self.message))


class InvalidTransition(ExchangeError):
    status_code = 409
    default_message = _("This change of status is not allowed.")


class DeadlinePassed(ExchangeError):
    status_code = 409
    default_message = _("The deadline has passed.")


class QuotaExceeded(ExchangeError):
    status_code = 409
    default_message = _("The quota is already full.")


class QuotaMissing(ExchangeError):
    """No seats are set for the application's country in its cohort, so nobody can be offered
    one until staff add a quota."""

    status_code = 409
    default_message = _("No quota is set for this country in this cohort.")


class WaitlistFull(ExchangeError):
    status_code = 409
    default_message = _("The waiting list for this country is full.")


class NotEligible(ExchangeError):
    default_message = _("The applicant is not eligible.")


class FormIncomplete(ExchangeError):
    """Submission refused because required answers are missing; ``errors`` lists them."""

    default_message = _("Some required answers are missing.")

    def __init__(self, message=None, *, errors: list | None = None, code: str | None = None):
        self.errors = errors or []
        super().__init__(message, code=code)


class ConsentMissing(ExchangeError):
    status_code = 409
    default_message = _("A parent or guardian must consent before you can submit.")


class UploadRejected(ExchangeError):
    default_message = _("The file could not be accepted.")


class LinkExpired(ExchangeError):
    status_code = 410
    default_message = _("This link has expired or was already used.")


class MatchingAlreadyPublished(ExchangeError):
    status_code = 409
    default_message = _("A matching is already published for this cohort.")


class MatchingChangeRefused(ExchangeError):
    """A lock, swap or publish that the run's state or the hard constraints do not allow."""

    status_code = 409
    default_message = _("This matching can no longer be changed.")


class PlacementAlreadyPublished(ExchangeError):
    status_code = 409
    default_message = _("A result of this kind is already published for this cohort.")


class SurveyLocked(ExchangeError):
    """The questions of a survey that has responses cannot change: answers would lose their
    meaning."""

    status_code = 409
    default_message = _("This survey already has responses, so its questions can no longer change.")


class SurveyNotOpen(ExchangeError):
    status_code = 409
    default_message = _("This survey is not open.")


class SurveyAlreadyAnswered(ExchangeError):
    status_code = 409
    default_message = _("This survey has already been answered.")


class SurveyAnswersInvalid(ExchangeError):
    """Answers refused; ``errors`` maps a question id to its translated messages."""

    default_message = _("Some answers need your attention.")

    def __init__(self, message=None, *, errors: dict | None = None, code: str | None = None):
        self.errors = errors or {}
        super().__init__(message, code=code)


class ReviewRefused(ExchangeError):
    """A review, assignment or rubric change the current state does not allow."""

    status_code = 409
    default_message = _("This review change is not allowed.")


class ReviewIncomplete(ExchangeError):
    """A review refused because scores are missing or out of range; ``errors`` maps each
    criterion id to its message."""

    default_message = _("Score every criterion within its range.")

    def __init__(self, message=None, *, errors: dict | None = None, code: str | None = None):
        self.errors = errors or {}
        super().__init__(message, code=code)


class SelectionRefused(ExchangeError):
    """A change to the selection proposal or a bulk decision the current state does not
    allow."""

    status_code = 409
    default_message = _("This change to the selection is not allowed.")


class AlumniMessageRefused(ExchangeError):
    """An alumni message that may not be sent: rate limit, suspension, or a recipient who
    takes no messages."""

    status_code = 409
    default_message = _("This message cannot be sent.")


class ErasureAlreadyRequested(ExchangeError):
    status_code = 409
    default_message = _("You have already asked for your data to be erased.")
