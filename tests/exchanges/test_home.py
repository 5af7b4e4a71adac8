import pytest

from exchanges.demo import demo_seed
from exchanges.models import Cohort
from tests.api.test_programs import make_program

pytestmark = pytest.mark.django_db


def test_home_lists_demo_program_and_cohorts(client):
    demo_seed()

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")

    body = response.content.decode()
    assert response.status_code == 200
    assert "日米韓次世代リーダー交流プログラム" in body
    # The open and running cohorts, and the finished one whose alumni mentor.
    assert body.count('class="badge text-bg-secondary ms-1"') == 3


@pytest.mark.parametrize("programs", [1, 3])
def test_home_query_count_is_constant(client, programs, django_assert_num_queries):
    for index in range(programs):
        make_program(f"program-{index}")
    Cohort.objects.update(status="open")

    with django_assert_num_queries(2):
        response = client.get("/")

    assert response.content.decode().count("program-title") == programs
