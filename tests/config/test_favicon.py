"""/favicon.ico answers with the icon that base.html links, never a 404."""

import pytest
from django.templatetags.static import static


@pytest.mark.django_db
def test_favicon_ico_redirects_to_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == static("img/favicon.svg")


@pytest.mark.django_db
def test_favicon_linked_in_base_page(client):
    response = client.get("/")

    assert f'<link rel="icon" href="{static("img/favicon.svg")}"' in response.content.decode()
