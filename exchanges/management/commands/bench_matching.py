"""``manage.py bench_matching [--sizes 10,40,100] [--time-limit S] [--bound-time S]``."""

from django.core.management.base import BaseCommand

from exchanges.matching.cli import run_benchmark


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

    def handle(self, *args, **options):
        sizes = tuple(int(s) for s in options["sizes"].split(",") if s.strip())
        run_benchmark(
            sizes,
            out=self.stdout.write,
            time_limit=options["time_limit"],
            seed=options["seed"],
            bound_time=options["bound_time"],
        )
