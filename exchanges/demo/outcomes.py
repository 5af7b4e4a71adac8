"""Demo outcome data: the program's finished cohorts get pre, post, 6- and 12-month answers
"collected with another survey tool", loaded through the public import service, so the outcome
pages have a history worth reading (the running cohort's own surveys add the latest wave).

The change is positive, noisy and differs by direction: Japanese and Korean participants warm
most toward each other's country, Americans a little toward both, and some of the change fades
by 12 months. Fewer people answer each later wave, and only four American participants
answered, so partner staff see "fewer than 5" for their rows. Idempotent: a cohort that
already has answers is left alone.
"""

import csv
import io
import random

from accounts.models import User
from exchanges.enums import CohortStatus
from exchanges.models import Cohort, Program, SurveyResponse
from exchanges.services.outcomes import outcome_responses_import

# Mean feeling (0-100) before the program, and the mean change right after it.
BEFORE = {
    ("US", "JP"): (72, 5),
    ("US", "KR"): (68, 7),
    ("JP", "US"): (66, 4),
    ("JP", "KR"): (48, 14),
    ("KR", "US"): (70, 3),
    ("KR", "JP"): (42, 12),
}
# Share of the change still there, and share of people answering, in each later wave.
LATER = {"post": (1.0, 0.92), "6m": (0.75, 0.7), "12m": (0.6, 0.55)}
LIKERT = ("understand-perspectives", "trust-people", "cooperation-matters", "personal-contacts")
# Respondents per country: only four Americans answered, so partners see "fewer than 5".
PEOPLE = {"US": 4, "JP": 18, "KR": 17}


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _rows(rng: random.Random, people: dict[str, int], strength: float) -> list[list]:
    rows = [["respondent", "country", "target", "wave", "score", "item"]]
    for country, count in people.items():
        for index in range(count):
            respondent = f"{country.lower()}-{index + 1:03d}"
            feeling = {
                target: rng.gauss(before, 12)
                for (origin, target), (before, _change) in BEFORE.items()
                if origin == country
            }
            # Individual responsiveness: some people move a lot, some not at all.
            openness = max(0.0, rng.gauss(1.0, 0.6))
            trust = rng.choice([2, 3, 3, 3, 4])
            for wave in ("pre", *LATER):
                keep, response_rate = LATER.get(wave, (0.0, 1.0))
                if rng.random() > response_rate:
                    continue
                for target, base in feeling.items():
                    change = BEFORE[(country, target)][1] * strength * keep * openness
                    score = _clamp(base + change + rng.gauss(0, 6), 0, 100)
                    rows.append([respondent, country, target, wave, score, ""])
                lift = 0 if wave == "pre" else keep * openness
                for item in LIKERT:
                    score = _clamp(trust + lift + rng.gauss(0, 0.6), 1, 5)
                    rows.append([respondent, country, "", wave, score, item])
                nps = _clamp(rng.gauss(7.5 + (1.2 * keep if wave != "pre" else 0), 1.6), 0, 10)
                rows.append([respondent, country, "", wave, nps, "nps"])
    return rows


def seed_demo_outcomes(*, program: Program, staff: User) -> dict[str, int]:
    """Import answers into the program's finished cohorts; returns how many responses."""
    imported = 0
    finished = Cohort.objects.filter(program=program, status=CohortStatus.FINISHED)
    for index, cohort in enumerate(finished.order_by("starts_on", "pk")):
        if SurveyResponse.objects.filter(survey__cohort=cohort).exists():
            continue
        rng = random.Random(f"trilink-outcomes-{cohort.slug}")  # noqa: S311 -- demo data
        buffer = io.StringIO()
        csv.writer(buffer).writerows(_rows(rng, PEOPLE, strength=1.0 + 0.3 * index))
        imported += outcome_responses_import(
            cohort=cohort,
            actor=staff,
            data=buffer.getvalue().encode(),
            filename=f"{cohort.slug}-answers.csv",
        )
    return {"outcome_responses_imported": imported}
