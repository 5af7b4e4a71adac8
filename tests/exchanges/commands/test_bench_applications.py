import io

import pytest
from django.core.management import call_command

from exchanges.models import Application


@pytest.mark.django_db(transaction=True)
def test_bench_applications_query_counts_do_not_grow():
    out = io.StringIO()

    call_command("bench_applications", "--sizes", "3", "30", "--runs", "1", stdout=out)

    rows = [line.split() for line in out.getvalue().splitlines()[1:-1]]
    counts = {(int(row[0]), " ".join(row[1:-2])): int(row[-2]) for row in rows}
    assert set(counts) == {
        (size, page)
        for size in (3, 30)
        for page in ("pipeline", "applications list", "export CSV", "export XLSX")
    }
    for page in ("pipeline", "applications list", "export CSV", "export XLSX"):
        assert counts[(3, page)] == counts[(30, page)]
    assert out.getvalue().splitlines()[-1] == "(benchmark data rolled back)"
    assert Application.objects.count() == 0
