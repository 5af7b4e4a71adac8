"""Seeded instance generators for tests and benchmarks (no real personal data)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .groups import GroupsProblem
from .types import Participant

INTERESTS = (
    "climate", "film", "music", "startups", "public health", "education", "security",
    "trade", "urban planning", "journalism", "robotics", "food", "sports", "history",
    "literature", "gaming", "human rights", "energy", "aging society", "tourism",
)  # fmt: skip
SECTORS = ("government", "business", "civil society", "academia", "media")
NATIVE = {"US": "en", "JP": "ja", "KR": "ko"}


def realistic_participants(
    n: int, countries: Sequence[str] = ("US", "JP", "KR"), seed: int = 0, institutions: int = 0
) -> list[Participant]:
    """``n`` participants per country with plausible interests, languages, sectors and ages.

    Everyone speaks the native language at 5; English is common at level 2-5, the other
    partner languages less so. ``institutions`` > 0 draws each person's institution from that
    many per country (creating same-institution conflicts); 0 leaves it empty.
    """
    rng = np.random.default_rng(seed)
    people = []
    popularity = rng.dirichlet(np.ones(len(INTERESTS)) * 0.8)
    for country in countries:
        native = NATIVE.get(country, country.lower())
        for i in range(n):
            k = int(rng.integers(2, 6))
            interests = frozenset(
                INTERESTS[j] for j in rng.choice(len(INTERESTS), k, replace=False, p=popularity)
            )
            langs = {native: 5}
            if native != "en":
                langs["en"] = int(rng.choice([1, 2, 3, 3, 4, 5]))
            for other in NATIVE.values():
                if other not in langs and rng.random() < 0.15:
                    langs[other] = int(rng.integers(1, 5))
            people.append(
                Participant(
                    id=f"{country}-{i + 1}",
                    country=country,
                    sector=SECTORS[int(rng.integers(len(SECTORS)))],
                    interests=interests,
                    languages=langs,
                    age=int(rng.integers(19, 40)),
                    gender=str(rng.choice(["female", "male", "nonbinary"], p=[0.5, 0.45, 0.05])),
                    institution=(
                        f"{country} Institute {int(rng.integers(institutions)) + 1}"
                        if institutions
                        else None
                    ),
                )
            )
    return people


def realistic_problem(
    n: int, countries: Sequence[str] = ("US", "JP", "KR"), seed: int = 0, per_country: int = 1
) -> GroupsProblem:
    """Built-in compatibility on :func:`realistic_participants`."""
    return GroupsProblem(
        participants=realistic_participants(n, countries, seed),
        countries=list(countries),
        per_country=per_country,
    )


def random_scores_problem(
    n: int,
    countries: Sequence[str] = ("US", "JP", "KR"),
    seed: int = 0,
    max_score: int = 100,
    per_country: int = 1,
) -> GroupsProblem:
    """``n`` bare participants per country with uniform random integer ``pair_scores``.

    Ids are ints (country-major), so the generator also exercises non-string ids.
    """
    rng = np.random.default_rng(seed)
    people = [
        Participant(id=c * n + i, country=country)
        for c, country in enumerate(countries)
        for i in range(n)
    ]
    scores = []
    for a in range(len(people)):
        for b in range(a + 1, len(people)):
            if people[a].country != people[b].country or per_country > 1:
                scores.append((a, b, int(rng.integers(0, max_score + 1))))
    return GroupsProblem(
        participants=people, countries=list(countries), per_country=per_country, pair_scores=scores
    )
