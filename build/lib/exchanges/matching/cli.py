"""Command-line helpers wrapped by the ``solve_matching`` and ``bench_matching`` commands."""

from __future__ import annotations

import json
import resource
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .generate import realistic_problem
from .groups import solve_groups, validate_groups
from .io import solve_dict


def solve_file(
    input_path: str | Path, output_path: str | Path | None = None, time_limit: float | None = None
) -> dict[str, Any]:
    """Solve the JSON document at ``input_path``; write the output JSON if ``output_path``.

    Returns the output dict. Raises :class:`~exchanges.matching.types.InfeasibleMatching`
    when the hard constraints conflict (nothing is written then).
    """
    data = json.loads(Path(input_path).read_text(encoding="utf-8"))
    result = solve_dict(data, time_limit=time_limit)
    if output_path is not None:
        Path(output_path).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def run_benchmark(
    sizes: Sequence[int] = (10, 40, 100, 500, 2000),
    out: Callable[[str], Any] = print,
    time_limit: float | None = None,
    seed: int = 0,
    bound_time: float | None = None,
) -> list[dict[str, Any]]:
    """Solve seeded realistic triad instances (3 countries, k=1) and print a table.

    Time limit for the groups per size defaults to 20 s (55 s for n >= 1000); the bound of
    large instances is computed afterwards for ``bound_time`` seconds (default
    :func:`~exchanges.matching.groups.default_bound_time`). ``solve s`` is the time to the
    final groups, ``bound s`` the extra bound time. Peak memory is the Python heap peak
    reported by tracemalloc during the solve (numpy buffers included) and the process max
    RSS.
    """
    rows = []
    header = (
        f"{'n/country':>9} {'objective':>12} {'upper bound':>12} {'gap %':>7} {'solve s':>8} "
        f"{'bound s':>8} {'peak MiB':>9} {'maxrss MiB':>10} {'optimal':>7}  method"
    )
    out(header)
    for n in sizes:
        problem = realistic_problem(n, seed=seed)
        limit = time_limit if time_limit is not None else (55.0 if n >= 1000 else 20.0)
        tracemalloc.start()
        result = solve_groups(problem, time_limit=limit, bound_time=bound_time)
        seconds = result.seconds
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if validate_groups(problem.participants, result.groups, problem.countries):
            raise AssertionError("benchmark produced an invalid grouping")  # pragma: no cover
        ub = result.upper_bound
        gap = 100.0 * (ub - result.objective) / ub if ub else float("nan")
        row = {
            "n": n,
            "objective": result.objective,
            "upper_bound": ub,
            "gap_percent": gap,
            "seconds": seconds,
            "bound_seconds": result.bound_seconds,
            "peak_mib": peak / 2**20,
            "maxrss_mib": maxrss,
            "optimal": result.optimal,
            "method": result.method,
        }
        rows.append(row)
        out(
            f"{n:>9} {result.objective:>12.2f} {ub if ub is not None else float('nan'):>12.2f} "
            f"{gap:>7.3f} {seconds:>8.2f} {result.bound_seconds:>8.2f} {peak / 2**20:>9.1f} "
            f"{maxrss:>10.1f} {result.optimal!s:>7}  {result.method}"
        )
    return rows


def run_best_known_comparison(
    n: int,
    *,
    long_time_limit: float = 300.0,
    time_limit: float | None = None,
    seed: int = 0,
    out: Callable[[str], Any] = print,
) -> dict[str, Any]:
    """Normal-time-limit objective versus a long run of the same solver (best known).

    Solves the seeded benchmark instance of size ``n`` (3 countries, k=1) twice: with the
    benchmark's time limit (20 s, 55 s for n >= 1000, or ``time_limit``) and with
    ``long_time_limit`` seconds; the bound is skipped in both (``bound_time=0``). Prints
    and returns both objectives and ``ratio = objective / max(objective, long objective)``.
    """
    problem = realistic_problem(n, seed=seed)
    limit = time_limit if time_limit is not None else (55.0 if n >= 1000 else 20.0)
    normal = solve_groups(problem, time_limit=limit, bound_time=0)
    long = solve_groups(problem, time_limit=long_time_limit, bound_time=0)
    for res in (normal, long):
        if validate_groups(problem.participants, res.groups, problem.countries):
            raise AssertionError("comparison produced an invalid grouping")  # pragma: no cover
    best = max(normal.objective, long.objective)
    row = {
        "n": n,
        "objective": normal.objective,
        "seconds": normal.seconds,
        "long_objective": long.objective,
        "long_seconds": long.seconds,
        "ratio": normal.objective / best if best else 1.0,
        "method": normal.method,
        "long_method": long.method,
    }
    out(
        f"n={n}: objective {normal.objective:.2f} in {normal.seconds:.1f} s ({normal.method}); "
        f"long {long.objective:.2f} in {long.seconds:.1f} s ({long.method}); "
        f"ratio {100 * row['ratio']:.3f} %"
    )
    return row
