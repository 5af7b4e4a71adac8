"""Styles under the Content Security Policy, which allows no inline style from the page.

``{{ chart.svg|nonce_styles:request }}`` marks the ``<style>`` elements of HTML the server
made itself (a pygal chart, whose stylesheet is written per chart) with the request's nonce, so
the browser applies them; a ``<style>`` anywhere else stays refused. (The email layout's
stylesheet is allowed by its hash instead: config/csp.py.) ``{{ value|width_class }}``
is a progress bar's width as one of the ``w-pct-0`` … ``w-pct-100`` classes of trilink.css
(a ``style="width: …"`` attribute would be refused).
"""

import re

from django import template
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

STYLE_TAG = re.compile(r"<style(?=[\s>])", re.IGNORECASE)


@register.filter
def nonce_styles(html, request):
    lazy = getattr(request, "csp_nonce", None)
    if html is None or lazy is None:
        return html
    nonce = str(lazy)  # the lazy nonce is falsy until read; reading it puts it in the header
    # The nonce is base64 (letters, digits, "+", "/", "="): nothing to escape in the attribute.
    marked = STYLE_TAG.sub(f'<style nonce="{nonce}"', str(html))
    return mark_safe(marked) if isinstance(html, SafeData) else marked  # noqa: S308 # nosec


@register.filter
def width_class(percent) -> str:
    try:
        value = round(float(percent))
    except (TypeError, ValueError):
        value = 0
    return f"w-pct-{min(100, max(0, value))}"
