"""Print the paired feeling-thermometer figures of a survey file, per directed country pair.

    manage.py survey_outcomes answers.csv [--format json] [--after post|6m|12m]
        [--countries US JP KR]

The file is the long format staff import (see ``exchanges.services.outcomes``); nothing is
stored. Figures come from the same code as the outcome pages: for each pair keyed like
``"JP->KR"``, ``n``, ``mean_change``, ``ci95`` (two numbers), ``cohen_dz``, ``wilcoxon_p`` and
``suppressed_for_partners``. A file with errors prints them by line and exits with status 1.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchanges.services.outcomes import (
    WAVE_ALIASES,
    OutcomeImportInvalid,
    outcome_file_figures,
)


def _number(value) -> str:
    return "—" if value is None else f"{value:.3f}"


class Command(BaseCommand):
    help = "Print the paired thermometer change per directed country pair of a survey file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX in long format")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument(
            "--after", default="post", help="the later wave: post, 6m or 12m (default post)"
        )
        parser.add_argument("--countries", nargs="+", default=["US", "JP", "KR"])

    def handle(self, *args, file: str, format: str, after: str, countries: list[str], **options):
        wave = WAVE_ALIASES.get(after)
        if wave is None:
            raise CommandError(f"Unknown wave: {after}")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            figures = outcome_file_figures(
                data=data, filename=path.name, countries=[c.upper() for c in countries], after=wave
            )
        except OutcomeImportInvalid as error:
            for line, reason in error.errors:
                self.stderr.write(f"line {line}: {reason}")
            raise CommandError(f"{len(error.errors)} bad line(s); nothing computed.") from None
        if format == "json":
            self.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{'pair':8} {'n':>6} {'change':>8} {'95% CI':>19} {'d_z':>7} {'p':>8}")
        for key, cell in figures.items():
            ci = cell["ci95"] or [None, None]
            note = (
                "  (fewer than 5: hidden from partners)" if cell["suppressed_for_partners"] else ""
            )
            self.stdout.write(
                f"{key:8} {cell['n']:>6} {_number(cell['mean_change']):>8} "
                f"{_number(ci[0]):>9}..{_number(ci[1]):<8} {_number(cell['cohen_dz']):>7} "
                f"{_number(cell['wilcoxon_p']):>8}{note}"
            )
