"""Alumni mentors: maximum-compatibility assignment with capacities.

Each mentor is expanded into ``capacity`` identical slots and participants are assigned to
slots with ``linear_sum_assignment`` maximising total :func:`compatibility`. Pairs from the
same country are excluded by default (the point is a cross-border connection). When there
are fewer usable slots than participants, the lowest-scoring participants stay unassigned.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from .compat import DEFAULT_WEIGHTS, CompatibilityWeights, score_matrix
from .types import Mentor, MentorsResult, Participant

#: Score of an excluded pair: far below any real score, and never kept in the result.
EXCLUDED = -1e9


def match_mentors(
    participants: Sequence[Participant],
    mentors: Sequence[Mentor],
    *,
    weights: CompatibilityWeights = DEFAULT_WEIGHTS,
    allow_same_country: bool = False,
) -> MentorsResult:
    """Assign each participant at most one mentor, respecting mentor capacities.

    Guarantees: a mentor never gets more than ``capacity`` participants; no pair from the
    same country unless ``allow_same_country``; among assignments that place as many
    participants as possible, the total compatibility is maximal.
    """
    slots = [m for m in mentors for _ in range(max(0, m.capacity))]
    if not participants or not slots:
        return MentorsResult({}, [p.id for p in participants], 0.0)
    base = score_matrix(participants, mentors, weights)
    col = np.repeat(np.arange(len(mentors)), [max(0, m.capacity) for m in mentors])
    score = base[:, col]
    if not allow_same_country:
        pc = np.array([p.country for p in participants], dtype=object)
        mc = np.array([m.country for m in slots], dtype=object)
        score = np.where(pc[:, None] == mc[None, :], EXCLUDED, score)
    # A bonus per placed pair makes "place as many as possible" dominate the total score.
    bonus = float(np.abs(score[score > EXCLUDED]).sum()) + 1.0 if (score > EXCLUDED).any() else 1
    rows, cols = linear_sum_assignment(
        np.where(score > EXCLUDED, score + bonus, 0.0), maximize=True
    )
    assignments = {}
    total = 0.0
    for r, c in zip(rows, cols, strict=True):
        if score[r, c] > EXCLUDED:
            assignments[participants[r].id] = slots[c].id
            total += float(score[r, c])
    unassigned = [p.id for p in participants if p.id not in assignments]
    return MentorsResult(assignments, unassigned, round(total, 6))
