import io

import pytest
from django.core.management import call_command

from exchanges.models import Application


@pytest.mark.django_db(transaction=True)
def test_bench_api_times_full_pages_with_a_constant_query_count():
    """The benchmark must time pages that hold applications: it timed an empty list (none of
    its applications consented to sharing) without noticing."""
    out = io.StringIO()

    call_command("bench_api", "--applications", "150", "--requests", "2", stdout=out)

    lines = out.getvalue().splitlines()
    # Nine in ten consent to sharing with partners.
    assert lines[0] == "applications loaded: 150, 135 of them in the partner's list"
    for size in (10, 100):
        line = next(line for line in lines if f"page_size={size}:" in line)
        before, after = line.split(": ")[1].split(", ")
        assert before.split()[0] == after.split()[0]
    assert lines[-1] == "Benchmark rows rolled back."
    assert Application.objects.count() == 0
