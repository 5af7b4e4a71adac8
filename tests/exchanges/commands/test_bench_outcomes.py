import io

import pytest
from django.core.management import call_command

from exchanges.models import SurveyResponse


@pytest.mark.django_db(transaction=True)
def test_bench_outcomes_prints_flat_query_counts_and_rolls_back():
    out = io.StringIO()

    call_command("bench_outcomes", "--sizes", "80", "400", stdout=out)

    lines = out.getvalue().splitlines()
    rows = [line.split() for line in lines[1:-1]]
    assert lines[0].split() == ["responses", "answers", "page", "queries", "seconds", "peak", "MiB"]
    assert [(row[0], row[1], row[2]) for row in rows] == [
        ("80", "1600", "cohort"),
        ("80", "1600", "program"),
        ("400", "8000", "cohort"),
        ("400", "8000", "program"),
    ]
    assert rows[0][3] == rows[2][3]
    assert rows[1][3] == rows[3][3]
    assert lines[-1] == "(benchmark data rolled back)"
    assert SurveyResponse.objects.count() == 0
