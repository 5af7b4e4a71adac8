import pytest
from rest_framework.test import APIClient

from api.services import api_key_create
from exchanges.enums import ApiScope
from tests.factories import OrganisationFactory


@pytest.fixture
def partner_org(db):
    return OrganisationFactory(name="Japan Center for Civic Exchange", country="JP")


@pytest.fixture
def api_token(partner_org):
    _key, token = api_key_create(
        organisation=partner_org, name="Roster sync", scopes=[ApiScope.PROGRAMS_READ]
    )
    return token


@pytest.fixture
def api_client(api_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token}")
    return client
