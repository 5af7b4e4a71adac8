"""``manage.py bench_matching [--sizes ...] [--scale] [--time-limit S] [--bound-time S]
[--compare-long S]``.

Sizes are members per country, ``NxK`` for pods of K per country (``1000x2``). ``--scale``
runs the scale targets in one run: triads at 2,000 and 5,000 per country and pods of two per
country at 1,000 per country. With ``--compare-long SECONDS`` each size is solved twice
(normal and long limit).
"""

from django.core.management.base import BaseCommand

from exchanges.matching.cli import (
    SCALE_CASES,
    parse_cases,
    run_benchmark,
    run_best_known_comparison,
)


class Command(BaseCommand):
    help = "Benchmark the groups solver on seeded triad instances (docs/matching.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default="10,40,100,500,2000",
            help="comma-separated n per country, NxK for pods of K per country",
        )
        parser.add_argument(
            "--scale",
            action="store_true",
            help="the scale targets: 2000, 5000 and 1000x2 (overrides --sizes)",
        )
        parser.add_argument(
            "--time-limit", type=float, default=None, help="seconds for the groups per size"
        )
        parser.add_argument(
            "--bound-time", type=float, default=None, help="seconds for the bound (large n)"
        )
        parser.add_argument("--seed", type=int, default=0, help="instance seed")
        parser.add_argument(
            "--compare-long",
            type=float,
            default=None,
            metavar="SECONDS",
            help="instead of the table: compare each size's result with a SECONDS-long run",
        )

    def handle(self, *args, **options):
        cases = list(SCALE_CASES) if options["scale"] else parse_cases(options["sizes"])
        if options["compare_long"] is not None:
            for n, _k in cases:
                run_best_known_comparison(
                    n,
                    long_time_limit=options["compare_long"],
                    time_limit=options["time_limit"],
                    seed=options["seed"],
                    out=self.stdout.write,
                )
            return
        run_benchmark(
            cases,
            out=self.stdout.write,
            time_limit=options["time_limit"],
            seed=options["seed"],
            bound_time=options["bound_time"],
        )
