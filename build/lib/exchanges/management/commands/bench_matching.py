"""``manage.py bench_matching [--sizes ...] [--time-limit S] [--bound-time S] [--compare-long S]``.

With ``--compare-long SECONDS`` each size is solved twice (normal and long limit).
"""

from django.core.management.base import BaseCommand

from exchanges.matching.cli import run_benchmark, run_best_known_comparison


class Command(BaseCommand):
    help = "Benchmark the groups solver on seeded triad instances (docs/matching.md)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10,40,100,500,2000", help="comma-separated n")
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
        sizes = tuple(int(s) for s in options["sizes"].split(",") if s.strip())
        if options["compare_long"] is not None:
            for n in sizes:
                run_best_known_comparison(
                    n,
                    long_time_limit=options["compare_long"],
                    time_limit=options["time_limit"],
                    seed=options["seed"],
                    out=self.stdout.write,
                )
            return
        run_benchmark(
            sizes,
            out=self.stdout.write,
            time_limit=options["time_limit"],
            seed=options["seed"],
            bound_time=options["bound_time"],
        )
