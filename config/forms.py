"""Form rendering: Django's forms and allauth's render through Bootstrap-styled templates."""

from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_noop

# Django appends the label suffix (":") to a label unless the label ends in one of the marks
# of ":?.!", and it translates both strings. Django's Japanese catalogue keeps the ASCII
# marks, so a Japanese label written as a sentence (ending in "。" or "？") got "。:"; the
# project's catalogues list each language's own sentence-ending marks, and give Japanese
# its full-width colon. Marked here only so that makemessages keeps them in the catalogues.
LABEL_SUFFIX_MESSAGES = (
    # Translators: the label suffix Django puts after a form field's label.
    gettext_noop(":"),
    # Translators: the characters after which no label suffix is added; keep ":?.!" and add
    # the sentence-ending and colon marks of your language, with no separator.
    gettext_noop(":?.!"),
)


class TrilinkFormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
