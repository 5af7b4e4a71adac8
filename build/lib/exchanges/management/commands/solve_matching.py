"""``manage.py solve_matching INPUT.json [--output OUT.json] [--time-limit S]``."""

import json

from django.core.management.base import BaseCommand, CommandError

from exchanges.matching.cli import solve_file
from exchanges.matching.types import InfeasibleMatching


class Command(BaseCommand):
    help = "Solve a groups/hosts/mentors matching JSON file (see docs/matching.md)."

    def add_arguments(self, parser):
        parser.add_argument("input", help="input JSON file")
        parser.add_argument("--output", help="write the result JSON here (default: stdout)")
        parser.add_argument("--time-limit", type=float, default=None, help="seconds")

    def handle(self, *args, **options):
        try:
            result = solve_file(options["input"], options["output"], options["time_limit"])
        except InfeasibleMatching as exc:
            raise CommandError("infeasible:\n- " + "\n- ".join(exc.reasons)) from exc
        if not options["output"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
