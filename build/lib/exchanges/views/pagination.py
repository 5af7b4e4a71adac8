"""The one way a list page is split: every list view paginates through ``paginate``."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset, *, per_page: int, parameter: str = "page") -> Page:
    """The page named by ``?<parameter>=`` (the first or last page when it is out of range)."""
    return Paginator(queryset, per_page).get_page(request.GET.get(parameter))
