"""``bench_matching`` prints one row per case, pods included, with time, gap and memory."""

from io import StringIO

from django.core.management import call_command

from exchanges.matching.cli import SCALE_CASES, parse_cases


def test_cases_parse_pods_as_n_times_k():
    assert parse_cases("2000, 5000,1000x2") == [(2000, 1), (5000, 1), (1000, 2)]
    assert list(SCALE_CASES) == [(2000, 1), (5000, 1), (1000, 2)]


def test_bench_matching_prints_triads_and_pods_rows():
    out = StringIO()
    call_command(
        "bench_matching", "--sizes", "8,30x2", "--time-limit", "3", "--bound-time", "1", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:5] == ["n/country", "k", "objective", "upper", "bound"]
    triads, pods = (line.split() for line in lines[1:3])
    assert triads[:2] == ["8", "1"]
    assert pods[:2] == ["30", "2"]
    assert pods[-1].startswith("triads(")
    # objective <= upper bound, and the gap, solve, bound, total, memory and load columns.
    assert float(pods[2]) <= float(pods[3])
    assert float(pods[7]) >= float(pods[5])
