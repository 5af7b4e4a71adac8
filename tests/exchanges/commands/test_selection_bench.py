import io

import pytest
from django.core.management import call_command

from exchanges.models import Application, ReviewAssignment


@pytest.mark.django_db(transaction=True)
def test_bench_selection_prints_each_step_and_equal_query_counts():
    out = io.StringIO()

    call_command("bench_selection", "--sizes", "20", "60", "--reviewers", "9", stdout=out)

    lines = out.getvalue().splitlines()
    steps = [
        line.split("  ")[1].strip()
        for line in lines
        if line.endswith(" MiB") and line.startswith("  ")
    ]
    assert (
        steps
        == [
            "pool and declared conflicts",
            "applications",
            "solver alone (same shape)",
            "assignment (service, all writes)",
            "scoring",
            "normalisation",
            "proposal",
        ]
        * 2
    )
    assert "    60 assignments, 0 short, loads 6..7" in lines
    assert "    180 assignments, 0 short, loads 20..20" in lines
    counts = {line.split()[0]: line.split()[1:] for line in lines[-3:-1]}
    assert lines[-5].startswith("peak resident memory ")
    assert set(counts) == {"dashboard", "proposal"}
    assert counts["dashboard"][0] == counts["dashboard"][1]
    assert counts["proposal"][0] == counts["proposal"][1]
    assert lines[-1] == "(benchmark data rolled back)"
    assert (Application.objects.count(), ReviewAssignment.objects.count()) == (0, 0)
