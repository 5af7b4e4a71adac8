"""Pairwise compatibility between two people (participants or mentors).

The score is a weighted sum of five components, each in a small fixed range so the weights
read as "how many points is this worth":

* **shared interests**: ``interests`` points per shared interest, counting at most
  ``max_shared_interests`` of them (so two people with ten identical hobbies do not drown
  every other consideration);
* **common language**: ``language`` points if both speak some language at level
  ``>= min_language_level`` (3 = usable in conversation; this is the "language bridge");
* **sector mix**: ``sector`` points if both sectors are known and differ (groups are meant
  to mix government, business, civil society, academia, media ...);
* **age closeness**: ``age * max(0, 1 - |age gap| / age_scale)`` if both ages are known;
* **gender mix**: ``gender`` points if both genders are known and differ.

:func:`compatibility` returns the score with human-readable reasons for one pair;
:func:`score_matrix` computes the same scores for all pairs of two lists with numpy (used by
the solvers, where thousands of participants make a Python loop per pair far too slow).
Both must agree exactly; a test checks it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

LANGUAGE_NAMES = {"en": "English", "ja": "Japanese", "ko": "Korean", "zh": "Chinese"}


class Person(Protocol):
    """Anything with the attributes compatibility looks at (Participant or Mentor)."""

    @property
    def interests(self) -> frozenset[str]: ...  # pragma: no cover
    @property
    def languages(self) -> Mapping[str, int]: ...  # pragma: no cover
    @property
    def sector(self) -> str: ...  # pragma: no cover
    @property
    def age(self) -> int | None: ...  # pragma: no cover
    @property
    def gender(self) -> str | None: ...  # pragma: no cover


@dataclass(frozen=True, slots=True)
class CompatibilityWeights:
    """Weights of the compatibility components (see the module docstring)."""

    interests: float = 2.0
    max_shared_interests: int = 3
    language: float = 3.0
    min_language_level: int = 3
    sector: float = 1.0
    age: float = 1.0
    age_scale: float = 10.0
    gender: float = 0.5


DEFAULT_WEIGHTS = CompatibilityWeights()


@dataclass(frozen=True, slots=True)
class Compatibility:
    """A pair's score and the reasons behind it (one string per non-zero component)."""

    score: float
    reasons: tuple[str, ...]


def norm_institution(name: str | None) -> str:
    """An institution's name for comparison: case and spacing ignored."""
    return " ".join((name or "").split()).casefold()


def language_name(code: str) -> str:
    """Display name for a language code (``"en"`` -> ``"English"``); unknown codes unchanged."""
    return LANGUAGE_NAMES.get(code, code)


def usable_languages(person: Person, min_level: int) -> set[str]:
    """Languages the person speaks at ``min_level`` or better."""
    return {lang for lang, level in person.languages.items() if level >= min_level}


def compatibility(
    a: Person, b: Person, weights: CompatibilityWeights = DEFAULT_WEIGHTS
) -> Compatibility:
    """Score how well ``a`` and ``b`` fit together, with reasons.

    Symmetric in ``a`` and ``b``; never negative. Reasons look like
    ``"shared interests: climate, film"`` or ``"common language: English"``.
    """
    score = 0.0
    reasons: list[str] = []
    shared = sorted(a.interests & b.interests)
    if shared and weights.interests:
        score += weights.interests * min(len(shared), weights.max_shared_interests)
        reasons.append("shared interests: " + ", ".join(shared))
    common = sorted(
        usable_languages(a, weights.min_language_level)
        & usable_languages(b, weights.min_language_level)
    )
    if common and weights.language:
        score += weights.language
        reasons.append("common language: " + ", ".join(language_name(c) for c in common))
    if a.sector and b.sector and a.sector != b.sector and weights.sector:
        score += weights.sector
        reasons.append(f"sector mix: {a.sector} + {b.sector}")
    if a.age is not None and b.age is not None and weights.age:
        gap = abs(a.age - b.age)
        closeness = max(0.0, 1.0 - gap / weights.age_scale)
        if closeness > 0:
            score += weights.age * closeness
            reasons.append(f"age gap: {gap} years")
    if a.gender and b.gender and a.gender != b.gender and weights.gender:
        score += weights.gender
        reasons.append("gender mix")
    return Compatibility(score=score, reasons=tuple(reasons))


def _indicator(people: Sequence[Person], vocab: dict[str, int], attr: str, min_level: int):
    """0/1 matrix (people x vocab) of interests, or of usable languages."""
    mat = np.zeros((len(people), max(len(vocab), 1)), dtype=np.float32)
    for i, person in enumerate(people):
        if attr == "interests":
            keys = person.interests
        else:
            keys = [k for k, lvl in person.languages.items() if lvl >= min_level]
        for key in keys:
            mat[i, vocab[key]] = 1.0
    return mat


#: Rows of the score matrix computed at once (bounds the temporaries).
SCORE_BLOCK_ROWS = 256


def score_matrix(
    rows: Sequence[Person],
    cols: Sequence[Person],
    weights: CompatibilityWeights = DEFAULT_WEIGHTS,
    *,
    block: int = SCORE_BLOCK_ROWS,
) -> np.ndarray:
    """``S[i, j] = compatibility(rows[i], cols[j]).score`` for all pairs, vectorised.

    Returns a float64 array of shape ``(len(rows), len(cols))``, filled ``block`` rows at a
    time so the temporaries stay small (the result is the only array of that size).
    """
    everyone = [*rows, *cols]
    interests = {k: i for i, k in enumerate(sorted({t for p in everyone for t in p.interests}))}
    langs = {k: i for i, k in enumerate(sorted({t for p in everyone for t in p.languages}))}
    lvl = weights.min_language_level
    ia = _indicator(rows, interests, "interests", lvl)
    ib = _indicator(cols, interests, "interests", lvl).T
    la = _indicator(rows, langs, "languages", lvl)
    lb = _indicator(cols, langs, "languages", lvl).T

    sectors = {s: i for i, s in enumerate(sorted({p.sector for p in everyone if p.sector}))}
    sa = np.array([sectors.get(p.sector, -1) for p in rows])
    sb = np.array([sectors.get(p.sector, -1) for p in cols])
    aa = np.array([np.nan if p.age is None else p.age for p in rows], dtype=np.float64)
    ab = np.array([np.nan if p.age is None else p.age for p in cols], dtype=np.float64)
    genders = {g: i for i, g in enumerate(sorted({p.gender for p in everyone if p.gender}))}
    ga = np.array([genders.get(p.gender, -1) if p.gender else -1 for p in rows])
    gb = np.array([genders.get(p.gender, -1) if p.gender else -1 for p in cols])

    out = np.empty((len(rows), len(cols)), dtype=np.float64)
    for start in range(0, len(rows), max(1, block)):
        sl = slice(start, start + block)
        # Counts are small integers, so float32 matrix products are exact here.
        shared = ia[sl] @ ib
        score = weights.interests * np.minimum(shared, weights.max_shared_interests).astype(
            np.float64
        )
        score += weights.language * ((la[sl] @ lb) > 0)
        known = (sa[sl, None] >= 0) & (sb[None, :] >= 0)
        score += weights.sector * ((sa[sl, None] != sb[None, :]) & known)
        closeness = np.clip(1.0 - np.abs(aa[sl, None] - ab[None, :]) / weights.age_scale, 0.0, 1.0)
        score += weights.age * np.nan_to_num(closeness, nan=0.0)
        known = (ga[sl, None] >= 0) & (gb[None, :] >= 0)
        score += weights.gender * ((ga[sl, None] != gb[None, :]) & known)
        out[sl] = score
    return out
