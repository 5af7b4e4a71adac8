"""Command-line helpers wrapped by the ``solve_matching`` and ``bench_matching`` commands."""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import tracemalloc
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
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


#: The scale targets of docs/matching.md: triads at 2,000 and 5,000 per country, pods of
#: two per country at 1,000 per country.
SCALE_CASES: tuple[tuple[int, int], ...] = ((2000, 1), (5000, 1), (1000, 2))


def default_time_limit(n: int, per_country: int = 1) -> float:
    """Benchmark seconds for the groups: 20 (n < 1000), 55 (n < 5000), 110 (larger or pods)."""
    if per_country > 1 and n >= 1000:
        return 110.0
    if n >= 5000:
        return 110.0
    return 55.0 if n >= 1000 else 20.0


def parse_cases(text: str) -> list[tuple[int, int]]:
    """``"2000,5000,1000x2"`` -> ``[(2000, 1), (5000, 1), (1000, 2)]`` (n per country x k)."""
    cases = []
    for raw in text.split(","):
        part = raw.strip().lower()
        if not part:
            continue
        n, _, k = part.partition("x")
        cases.append((int(n), int(k or 1)))
    return cases


def run_benchmark(
    sizes: Sequence[int | tuple[int, int]] = (10, 40, 100, 500, 2000),
    out: Callable[[str], Any] = print,
    time_limit: float | None = None,
    seed: int = 0,
    bound_time: float | None = None,
) -> list[dict[str, Any]]:
    """Solve seeded realistic instances (3 countries) and print a table.

    ``sizes`` holds members per country, or ``(n, k)`` pairs for pods of k per country
    (:data:`SCALE_CASES` are the scale targets). The time limit for the groups defaults to
    :func:`default_time_limit`; the bound of large instances is computed afterwards for
    ``bound_time`` seconds (default :func:`~exchanges.matching.groups.default_bound_time`).
    ``solve s`` is the time to the final groups, ``bound s`` the extra bound time, ``total s``
    both. Peak memory is the Python heap peak reported by tracemalloc during the solve
    (numpy buffers included) and the max RSS of the process that solved the case (each case
    in its own forked process); the load average is printed with each row because the
    machine may be shared.
    """
    rows = []
    header = (
        f"{'n/country':>9} {'k':>2} {'objective':>12} {'upper bound':>12} {'gap %':>7} "
        f"{'solve s':>8} {'bound s':>8} {'total s':>8} {'peak MiB':>9} {'maxrss MiB':>10} "
        f"{'load':>5} {'optimal':>7}  method"
    )
    out(header)
    for case in sizes:
        n, k = (case, 1) if isinstance(case, int) else case
        limit = time_limit if time_limit is not None else default_time_limit(n, k)
        row = _in_own_process(_measure_case, n, k, seed, limit, bound_time)
        rows.append(row)
        ub = row["upper_bound"]
        out(
            f"{n:>9} {k:>2} {row['objective']:>12.2f} "
            f"{ub if ub is not None else float('nan'):>12.2f} {row['gap_percent']:>7.3f} "
            f"{row['seconds']:>8.2f} {row['bound_seconds']:>8.2f} {row['total_seconds']:>8.2f} "
            f"{row['peak_mib']:>9.1f} {row['maxrss_mib']:>10.1f} {row['load']:>5.1f} "
            f"{row['optimal']!s:>7}  {row['method']}"
        )
    return rows


def _measure_case(n: int, k: int, seed: int, limit: float, bound_time: float | None) -> dict:
    """Solve one seeded instance under tracemalloc: the benchmark's row."""
    problem = realistic_problem(n, seed=seed, per_country=k)
    tracemalloc.start()
    result = solve_groups(problem, time_limit=limit, bound_time=bound_time)
    seconds = result.seconds
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]
    if validate_groups(problem.participants, result.groups, problem.countries, k):
        raise AssertionError("benchmark produced an invalid grouping")  # pragma: no cover
    ub = result.upper_bound
    gap = 100.0 * (ub - result.objective) / ub if ub else float("nan")
    return {
        "n": n,
        "per_country": k,
        "objective": result.objective,
        "upper_bound": ub,
        "gap_percent": gap,
        "seconds": seconds,
        "bound_seconds": result.bound_seconds,
        "total_seconds": seconds + result.bound_seconds,
        "peak_mib": peak / 2**20,
        "maxrss_mib": maxrss,
        "load": load,
        "optimal": result.optimal,
        "method": result.method,
    }


def _in_own_process(func: Callable[..., dict], *args: Any) -> dict:
    """``func(*args)`` in a forked child (where ``fork`` exists), so that each row's max RSS
    is that of one solve, as in a worker process that takes one matching run, and not the
    high-water mark of every earlier row (the 5,000 row read 1,600 MiB after the 2,000 row
    in one process, 1,499 MiB on its own). Exceptions are raised again in the parent."""
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return func(*args)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        return pool.submit(func, *args).result()


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
    limit = time_limit if time_limit is not None else default_time_limit(n)
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
