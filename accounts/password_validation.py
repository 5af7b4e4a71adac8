"""The zxcvbn password validator with guidance written as whole sentences.

django-zxcvbn-password-validator builds its help text and its "too guessable" error by
joining separately translated fragments ("…we will tell you how to make a better one." +
"We expect a password that cannot be guessed %s" + "by attackers online."). No translation
can make such pieces read as one sentence in Japanese or Korean, where the verb comes last
and the particle depends on the word before it. The texts here are whole sentences with
named placeholders; the checks themselves are the package's.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_zxcvbn_password_validator import ZxcvbnPasswordValidator as BaseZxcvbnValidator
from django_zxcvbn_password_validator.translate_zxcvbn_text import (
    translate_zxcvbn_text,
    translate_zxcvbn_time_estimate,
)

# What a password of each minimal strength must withstand, as the sign-up page says it.
STRENGTH_HELP = {
    0: gettext_lazy("Any password is accepted."),
    1: gettext_lazy(
        "There is no fixed rule for a good password, but if yours is too easy to guess, we "
        "will tell you how to make it stronger. Choose one that your family or friends could "
        "not guess."
    ),
    2: gettext_lazy(
        "There is no fixed rule for a good password, but if yours is too easy to guess, we "
        "will tell you how to make it stronger. Choose one that attackers on the internet "
        "could not guess."
    ),
    3: gettext_lazy(
        "There is no fixed rule for a good password, but if yours is too easy to guess, we "
        "will tell you how to make it stronger. Choose one that could not be guessed even "
        "with a copy of our database."
    ),
    4: gettext_lazy(
        "There is no fixed rule for a good password, but if yours is too easy to guess, we "
        "will tell you how to make it stronger. Choose one that even a dedicated team with a "
        "copy of our database could not guess."
    ),
}


class ZxcvbnPasswordValidator(BaseZxcvbnValidator):
    def get_help_text(self) -> str:
        return str(STRENGTH_HELP[self.password_minimal_strength])

    def validate(self, password, user=None) -> None:
        results = self._run_zxcvbn(password, user)
        if results["score"] >= self.password_minimal_strength:
            return
        offline_time = results["crack_times_seconds"]["offline_slow_hashing_1e4_per_second"]
        feedback = [
            _(
                "This password is too easy to guess: an attacker with a copy of the password "
                "database could find it in %(time)s."
            )
            % {"time": translate_zxcvbn_time_estimate(offline_time)}
        ]
        warning = results["feedback"]["warning"]
        if warning:
            feedback.append(_("Warning: %(text)s") % {"text": translate_zxcvbn_text(warning)})
        feedback.extend(
            _("Advice: %(text)s") % {"text": translate_zxcvbn_text(suggestion)}
            for suggestion in results["feedback"]["suggestions"]
        )
        raise ValidationError(feedback)
