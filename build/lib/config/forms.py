"""Form rendering: Django's forms and allauth's render through Bootstrap-styled templates."""

from django.forms.renderers import TemplatesSetting


class TrilinkFormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
