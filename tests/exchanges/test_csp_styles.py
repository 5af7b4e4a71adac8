"""The template filters that keep styles within the Content Security Policy."""

import pytest
from csp.middleware import CSPMiddleware
from django.test import RequestFactory
from django.utils.safestring import SafeData, mark_safe

from exchanges.templatetags.csp_styles import nonce_styles, width_class


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "w-pct-0"), (37, "w-pct-37"), (66.6, "w-pct-67"), (100, "w-pct-100"),
     (130, "w-pct-100"), (-5, "w-pct-0"), (None, "w-pct-0"), ("x", "w-pct-0"), ("42", "w-pct-42")],
)  # fmt: skip
def test_width_class_is_a_whole_percentage_from_0_to_100(value, expected):
    assert width_class(value) == expected


def test_nonce_styles_marks_every_style_element_with_the_requests_nonce():
    request = RequestFactory().get("/")
    CSPMiddleware(lambda r: None).process_request(request)
    svg = mark_safe('<svg><style type="text/css">a{}</style><STYLE>b{}</STYLE><stylex/></svg>')

    marked = nonce_styles(svg, request)

    nonce = str(request.csp_nonce)
    assert isinstance(marked, SafeData)
    assert marked == (
        f'<svg><style nonce="{nonce}" type="text/css">a{{}}</style>'
        f'<style nonce="{nonce}">b{{}}</STYLE><stylex/></svg>'
    )


def test_nonce_styles_leaves_html_alone_without_a_csp_request():
    assert nonce_styles("<style>a{}</style>", RequestFactory().get("/")) == "<style>a{}</style>"
    assert nonce_styles(None, None) is None
