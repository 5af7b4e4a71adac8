"""Matching in the product: the adapter between model rows and the pure-Python solver.

Staff start a run (``matching_run_start``), a Celery task executes it
(``matching_run_execute``), staff lock groups, swap members, re-run around the locks and
publish one run per cohort, which notifies its participants after commit. Every change
writes the activity log.

Participants are the cohort's applications in ``APPLICATION_MATCHABLE`` statuses; the solver
sees an application's pk as the participant id.
"""

import datetime as dt
import itertools
import logging
import time
from collections import Counter
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.activity_types import Activity
from exchanges.dispatch import dispatch_on_commit
from exchanges.enums import (
    APPLICATION_MATCHABLE,
    LANGUAGE_LEVEL_ORDER,
    MATCHING_RUN_DONE,
    MatchingConstraintKind,
    MatchingRunStatus,
)
from exchanges.exceptions import ExchangeError, MatchingAlreadyPublished, MatchingChangeRefused
from exchanges.matching import (
    CompatibilityWeights,
    GroupsProblem,
    InfeasibleMatching,
    Participant,
    compatibility,
    solve_groups,
    validate_groups,
)
from exchanges.models import (
    Application,
    Cohort,
    MatchGroup,
    MatchGroupMember,
    MatchingConstraint,
    MatchingProfile,
    MatchingRun,
)
from exchanges.services.activity import activity_log_record
from exchanges.services.notify import notify_matching_published
from exchanges.tasks import task_run_matching
from exchanges.validators import validate_matching_parameters

logger = logging.getLogger(__name__)

RS = MatchingRunStatus
DEFAULT_PARAMETERS = {
    "per_country": 1,
    "leftover": "extend",
    "time_limit": 20,
    "weights": {"interests": 2.0, "language": 3.0, "sector": 1.0, "age": 1.0, "gender": 0.5},
}
# Application language levels (none .. native) on the solver's 1-5 scale (3 = conversation).
LANGUAGE_LEVEL_SCORES = {"basic": 2, "conversational": 3, "professional": 4, "native": 5}
MAX_INTERESTS = 5
# Progress is written at most this often (seconds) unless the percentage changed; a stop
# request is read as often.
PROGRESS_INTERVAL = 0.5
# The best grouping so far is saved at most this often (seconds).
INCUMBENT_INTERVAL = 2.0


# --------------------------------------------------------------------------- adapter
def matching_applications(*, cohort: Cohort):
    """The cohort's participants with what the adapter reads (two queries)."""
    return (
        Application.objects.filter(cohort=cohort, status__in=APPLICATION_MATCHABLE)
        .select_related("applicant", "matching_profile")
        .order_by("country", "id")
    )


def _age(birth_date: dt.date | None, on: dt.date | None) -> int | None:
    if birth_date is None or on is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _languages(application: Application) -> dict[str, int]:
    result = {}
    for code, level in (application.languages or {}).items():
        score = LANGUAGE_LEVEL_SCORES.get(level)
        if score is not None and level in LANGUAGE_LEVEL_ORDER:
            result[code] = score
    return result


def participant_for(
    application: Application, *, cohort: Cohort, do_not_match=(), must_match=()
) -> Participant:
    """The solver's view of one application (no name, email or other identifying data)."""
    try:
        profile = application.matching_profile
    except MatchingProfile.DoesNotExist:
        profile = None
    return Participant(
        id=application.pk,
        country=application.country,
        sector=application.sector or "",
        interests=frozenset(profile.interests if profile else ()),
        languages=_languages(application),
        age=_age(application.birth_date, cohort.starts_on),
        gender=(profile.gender or None) if profile else None,
        institution=application.institution or None,
        do_not_match=tuple(do_not_match),
        must_match=tuple(must_match),
    )


def matching_participants(*, cohort: Cohort) -> list[Participant]:
    """Solver participants for every matchable application of ``cohort``, with constraints."""
    applications = list(matching_applications(cohort=cohort))
    ids = {a.pk for a in applications}
    lists: dict[tuple[int, str], list[int]] = {}
    for constraint in MatchingConstraint.objects.filter(cohort=cohort):
        if constraint.first_id in ids and constraint.second_id in ids:
            lists.setdefault((constraint.first_id, constraint.kind), []).append(
                constraint.second_id
            )
    return [
        participant_for(
            a,
            cohort=cohort,
            do_not_match=lists.get((a.pk, MatchingConstraintKind.DO_NOT_MATCH), ()),
            must_match=lists.get((a.pk, MatchingConstraintKind.MUST_MATCH), ()),
        )
        for a in applications
    ]


def weights_of(parameters: dict) -> CompatibilityWeights:
    weights = parameters.get("weights") or {}
    return CompatibilityWeights(**{name: float(value) for name, value in weights.items()})


def group_score(people: list[Participant], weights: CompatibilityWeights) -> float:
    """Sum of pairwise compatibility inside a group (the solver's objective term)."""
    return round(
        sum(compatibility(a, b, weights).score for a, b in itertools.combinations(people, 2)), 6
    )


def group_reasons(people: list[Participant], weights: CompatibilityWeights) -> dict:
    """Why a group fits, as codes the page translates: interests shared by two or more
    members (most shared first), languages every member speaks at a usable level, sectors."""
    counts = Counter(i for p in people for i in p.interests)
    shared = sorted((i for i, n in counts.items() if n >= 2), key=lambda i: (-counts[i], i))
    usable = [
        {code for code, level in p.languages.items() if level >= weights.min_language_level}
        for p in people
    ]
    common = sorted(set.intersection(*usable)) if usable else []
    return {
        "shared_interests": shared,
        "common_languages": common,
        "sectors": sorted({p.sector for p in people if p.sector}),
    }


# --------------------------------------------------------------------------- runs
def matching_cohort_published(*, cohort: Cohort) -> bool:
    return MatchingRun.objects.filter(cohort=cohort, status=RS.PUBLISHED).exists()


def _clean_parameters(parameters: dict) -> dict:
    merged = {**DEFAULT_PARAMETERS, **parameters}
    merged["weights"] = {**DEFAULT_PARAMETERS["weights"], **(parameters.get("weights") or {})}
    try:
        validate_matching_parameters(merged)
    except ValidationError as exc:
        raise ExchangeError(" ".join(exc.messages)) from exc
    return merged


@transaction.atomic
def matching_run_start(
    *, cohort: Cohort, actor, parameters: dict, based_on: MatchingRun | None = None
) -> MatchingRun:
    """Create a queued run for the cohort's participants and queue its task after commit.

    ``parameters``: ``per_country``, ``time_limit`` (seconds), ``weights`` (see
    ``DEFAULT_PARAMETERS``) and optionally ``locked_groups`` (lists of application ids).
    """
    parameters = _clean_parameters(parameters)
    if matching_cohort_published(cohort=cohort):
        # Publishing is final (participants were told their group): a new run could never
        # be published, so none is started.
        raise MatchingAlreadyPublished
    count = matching_applications(cohort=cohort).count()
    if count == 0:
        raise ExchangeError(_("This cohort has no confirmed participants to match yet."))
    run = MatchingRun.objects.create(
        cohort=cohort,
        parameters=parameters,
        created_by=actor,
        based_on=based_on,
        participant_count=count,
    )
    activity_log_record(
        actor=actor,
        obj=run,
        action_type=Activity.MATCHING_RUN_STARTED,
        data={
            "cohort": cohort.pk,
            "parameters": parameters,
            "based_on": based_on.pk if based_on else None,
        },
    )
    # If the broker is down the run stays queued, and staff see it waiting for a worker.
    dispatch_on_commit(task_run_matching, run.pk)
    return run


class _RunWatch:
    """The solver's line to its run row while it works outside any transaction.

    Progress rises with the time budget used (and never goes back, although each solver
    phase reports its own fraction), each write is a heartbeat, the best grouping so far is
    saved at most every ``INCUMBENT_INTERVAL`` seconds (and before a stop is obeyed), and
    a stop request is read at most every ``PROGRESS_INTERVAL`` seconds. Each UPDATE commits
    at once, so the progress page, and a recovery after the worker died, see it.
    """

    def __init__(self, run_id: int, time_limit: float) -> None:
        self.run_id = run_id
        self.time_limit = max(float(time_limit), 1e-9)
        self.started = time.monotonic()
        self.percent = 1
        self.written_at = 0.0
        self.saved_at = 0.0
        self.pending: tuple[list, float, float | None] | None = None
        self.checked_at = 0.0
        self.stop_seen = False

    def _rows(self):
        return MatchingRun.objects.filter(pk=self.run_id, status=RS.RUNNING)

    def progress(self, fraction: float, message: str) -> None:
        used = (time.monotonic() - self.started) / self.time_limit
        percent = min(99, max(self.percent, int(fraction * 100), int(used * 100)))
        now = time.monotonic()
        if now - self.written_at < PROGRESS_INTERVAL and percent == self.percent:
            return
        self.percent = percent
        self.written_at = now
        self._rows().update(progress=percent, message=message[:200], heartbeat_at=timezone.now())
        if self.pending is not None and now - self.saved_at >= INCUMBENT_INTERVAL:
            self._save()

    def incumbent(self, groups: list, objective: float, bound: float | None) -> None:
        self.pending = (groups, objective, bound)
        if time.monotonic() - self.saved_at >= INCUMBENT_INTERVAL:
            self._save()

    def _save(self) -> None:
        groups, objective, bound = self.pending
        self.pending = None
        self.saved_at = time.monotonic()
        fields = {"best_groups": groups, "objective": objective, "heartbeat_at": timezone.now()}
        if bound is not None:
            fields["upper_bound"] = bound
        self._rows().update(**fields)

    def stop(self) -> bool:
        now = time.monotonic()
        if not self.stop_seen and now - self.checked_at >= PROGRESS_INTERVAL:
            self.checked_at = now
            self.stop_seen = (
                MatchingRun.objects.filter(pk=self.run_id, stop_requested_at__isnull=False)
                .exclude(status=RS.QUEUED)
                .exists()
            )
            if self.stop_seen and self.pending is not None:
                self._save()
        return self.stop_seen


def _fail(run: MatchingRun, *, problems: list[str], message: str) -> MatchingRun:
    with transaction.atomic():
        run.status = RS.FAILED
        run.problems = problems
        run.message = message
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "problems", "message", "finished_at"])
        activity_log_record(
            actor=None,
            obj=run,
            action_type=Activity.MATCHING_RUN_FAILED,
            data={"problems": problems},
        )
    return run


def matching_run_execute(*, run_id: int) -> MatchingRun | None:
    """Solve a queued run and store its groups, or mark it failed with the reasons.

    Unlike other services this is not one transaction: the run is marked running in a short
    transaction, the solver then works outside any transaction (its progress updates must be
    visible to other requests while it runs), and the result is stored atomically. A run
    that is missing or no longer queued is left alone, so a repeated task does nothing.
    """
    with transaction.atomic():
        run = (
            MatchingRun.objects.select_for_update()
            .select_related("cohort__program")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status != RS.QUEUED:
            # A task delivered again after its worker died finds the run still running.
            if run is not None and run.status == RS.RUNNING:
                transaction.on_commit(partial(matching_run_recover, run_id=run.pk))
            return run
        run.status = RS.RUNNING
        run.progress = 1
        run.heartbeat_at = timezone.now()
        run.save(update_fields=["status", "progress", "heartbeat_at"])
    parameters = run.parameters
    participants = matching_participants(cohort=run.cohort)
    weights = weights_of(parameters)
    known = {p.id for p in participants}
    locked = [
        [pid for pid in group if pid in known] for group in parameters.get("locked_groups") or []
    ]
    locked = [group for group in locked if group]
    problem = GroupsProblem(
        participants=participants,
        countries=list(run.cohort.program.countries),
        per_country=parameters["per_country"],
        locked_groups=locked,
        weights=weights,
        leftover=parameters.get("leftover", "extend"),
    )
    try:
        if not participants:
            raise InfeasibleMatching(["no confirmed participants"])
        watch = _RunWatch(run.pk, parameters["time_limit"])
        result = solve_groups(
            problem,
            time_limit=parameters["time_limit"],
            progress=watch.progress,
            incumbent=watch.incumbent,
            stop=watch.stop,
        )
    except InfeasibleMatching as exc:
        return _fail(run, problems=exc.reasons, message="infeasible")
    except Exception:
        logger.exception("Matching run %s crashed", run.pk)
        return _fail(run, problems=[], message="error")
    with transaction.atomic():
        run = MatchingRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RS.RUNNING:
            # Recovered meanwhile (the run was presumed dead): that outcome stands.
            return run
        _store_groups(
            run,
            groups=result.groups,
            participants=participants,
            weights=weights,
            locked=locked,
            message="stopped" if watch.stop_seen else "",
        )
        run.objective = result.objective
        run.upper_bound = result.upper_bound
        run.optimal = result.optimal
        run.seconds = round(result.seconds, 3)
        run.method = result.method[:100]
        run.save(update_fields=["objective", "upper_bound", "optimal", "seconds", "method"])
        activity_log_record(
            actor=None,
            obj=run,
            action_type=Activity.MATCHING_RUN_FINISHED,
            data={
                "groups": len(result.groups),
                "objective": result.objective,
                "upper_bound": result.upper_bound,
                "optimal": result.optimal,
                "stopped": watch.stop_seen,
            },
        )
    return run


def _store_groups(
    run: MatchingRun,
    *,
    groups: list[list[int]],
    participants: list[Participant],
    weights: CompatibilityWeights,
    locked: list[list[int]],
    message: str,
) -> None:
    """Write ``groups`` as the run's groups and mark it finished (inside a transaction)."""
    by_id = {p.id: p for p in participants}
    locked_sets = [frozenset(group) for group in locked]
    rows = []
    for number, ids in enumerate(groups, start=1):
        people = [by_id[i] for i in ids if i in by_id]
        members = frozenset(ids)
        rows.append(
            MatchGroup(
                run=run,
                number=number,
                score=group_score(people, weights),
                reasons=group_reasons(people, weights),
                locked=any(group <= members for group in locked_sets),
            )
        )
    MatchGroup.objects.bulk_create(rows)
    MatchGroupMember.objects.bulk_create(
        [
            MatchGroupMember(run=run, group=group, application_id=pid)
            for group, ids in zip(rows, groups, strict=True)
            for pid in ids
            if pid in by_id
        ]
    )
    run.status = RS.FINISHED
    run.progress = 100
    run.message = message
    run.best_groups = []
    run.participant_count = len(participants)
    run.finished_at = timezone.now()
    run.save(
        update_fields=[
            "status",
            "progress",
            "message",
            "best_groups",
            "participant_count",
            "finished_at",
        ]
    )


@transaction.atomic
def matching_run_stop(*, run: MatchingRun, actor) -> MatchingRun:
    """Ask a run to stop and keep the best grouping found so far.

    A running solver sees the request within a second and finishes with its best grouping
    (``message`` "stopped"); a run no worker has started yet is marked failed at once.
    """
    run = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in {RS.QUEUED, RS.RUNNING}:
        raise MatchingChangeRefused(_("Only a matching that is still running can be stopped."))
    now = timezone.now()
    run.stop_requested_at = now
    fields = ["stop_requested_at"]
    if run.status == RS.QUEUED:
        run.status, run.message, run.finished_at = RS.FAILED, "stopped", now
        fields += ["status", "message", "finished_at"]
    run.save(update_fields=fields)
    activity_log_record(
        actor=actor, obj=run, action_type=Activity.MATCHING_RUN_STOP_REQUESTED, data={}
    )
    return run


def matching_run_recover(*, run_id: int) -> MatchingRun | None:
    """Finish a run whose worker died (no sign of life for ``MATCHING_STALE_SECONDS``) with
    the best grouping it saved, or mark it failed when it saved none. A run that is not
    running, or still shows signs of life, is left alone."""
    with transaction.atomic():
        run = (
            MatchingRun.objects.select_for_update()
            .select_related("cohort__program")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status != RS.RUNNING:
            return run
        last = run.heartbeat_at or run.created_at
        if last > timezone.now() - dt.timedelta(seconds=settings.MATCHING_STALE_SECONDS):
            return run
        if not run.best_groups:
            return _fail(run, problems=[], message="error")
        participants = matching_participants(cohort=run.cohort)
        groups = [list(group) for group in run.best_groups]
        locked = [list(group) for group in run.parameters.get("locked_groups") or []]
        _store_groups(
            run,
            groups=groups,
            participants=participants,
            weights=weights_of(run.parameters),
            locked=locked,
            message="recovered",
        )
        run.optimal = False
        run.method = "best so far (worker lost)"
        run.save(update_fields=["optimal", "method"])
        activity_log_record(
            actor=None,
            obj=run,
            action_type=Activity.MATCHING_RUN_RECOVERED,
            data={"groups": len(groups), "objective": run.objective},
        )
    return run


def matching_runs_sweep() -> int:
    """Beat: recover every running run whose worker has shown no sign of life for
    ``MATCHING_STALE_SECONDS``; returns how many were finished or failed."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.MATCHING_STALE_SECONDS)
    stale = MatchingRun.objects.filter(status=RS.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    count = 0
    for run_id in stale.values_list("pk", flat=True):
        run = matching_run_recover(run_id=run_id)
        if run is not None and run.status != RS.RUNNING:
            count += 1
    return count


def _editable(run: MatchingRun) -> None:
    if run.status != RS.FINISHED:
        raise MatchingChangeRefused(_("Only a finished, unpublished matching can be changed."))
    if matching_cohort_published(cohort=run.cohort_id):
        # Publishing is final: another run of the cohort could never be published, so locks
        # and swaps on it are refused here, not only hidden on the page.
        raise MatchingAlreadyPublished


@transaction.atomic
def matching_group_lock(*, group: MatchGroup, actor, locked: bool) -> MatchGroup:
    """Lock (or unlock) a group so a re-run keeps it as it is."""
    group = MatchGroup.objects.select_for_update().select_related("run").get(pk=group.pk)
    _editable(group.run)
    group.locked = locked
    group.save(update_fields=["locked"])
    activity_log_record(
        actor=actor,
        obj=group.run,
        action_type=Activity.MATCHING_GROUP_LOCKED if locked else Activity.MATCHING_GROUP_UNLOCKED,
        data={"group": group.number},
    )
    return group


@dataclass(frozen=True)
class SwapPreview:
    """The effect of swapping ``first`` and ``second`` between their groups."""

    first: MatchGroupMember
    second: MatchGroupMember
    before: tuple[float, float]
    after: tuple[float, float]
    problems: list[str]

    @property
    def delta(self) -> float:
        return round(sum(self.after) - sum(self.before), 6)


def _members_of(groups: list[MatchGroup]) -> dict[int, list[int]]:
    rows = MatchGroupMember.objects.filter(group__in=groups).values_list(
        "group_id", "application_id"
    )
    result: dict[int, list[int]] = {g.pk: [] for g in groups}
    for group_id, application_id in rows:
        result[group_id].append(application_id)
    return result


def matching_swap_preview(
    *, run: MatchingRun, first: Application, second: Application
) -> SwapPreview:
    """Score of both groups before and after swapping two members of the same country.

    Raises ``MatchingChangeRefused`` for a swap that cannot be made at all (different
    countries, the same group, a locked group, a published run); hard-constraint conflicts
    the swap would create (institution, do-not-match, must-match) are listed in
    ``problems`` so the page can show them, and ``matching_swap_apply`` refuses them.
    """
    _editable(run)
    members = {
        m.application_id: m
        for m in MatchGroupMember.objects.filter(
            run=run, application__in=[first, second]
        ).select_related("group", "application")
    }
    if first.pk not in members or second.pk not in members:
        raise MatchingChangeRefused(_("Both people must be members of this matching."))
    a, b = members[first.pk], members[second.pk]
    if a.application.country != b.application.country:
        raise MatchingChangeRefused(_("Only two members from the same country can be swapped."))
    if a.group_id == b.group_id:
        raise MatchingChangeRefused(_("These two people are already in the same group."))
    if a.group.locked or b.group.locked:
        raise MatchingChangeRefused(_("Unlock the group before changing its members."))
    ids = _members_of([a.group, b.group])
    old_a, old_b = ids[a.group_id], ids[b.group_id]
    new_a = [second.pk if pid == first.pk else pid for pid in old_a]
    new_b = [first.pk if pid == second.pk else pid for pid in old_b]
    involved = set(old_a) | set(old_b)
    people = {p.id: p for p in matching_participants(cohort=run.cohort) if p.id in involved}
    weights = weights_of(run.parameters)
    problems = []
    if set(people) != involved:
        problems.append(_("A member of these groups is no longer a confirmed participant."))
    else:
        problems = validate_groups(
            list(people.values()),
            [new_a, new_b],
            list(run.cohort.program.countries),
            run.parameters["per_country"],
            leftover=run.parameters.get("leftover", "extend"),
        )
    score = partial(_score_ids, people, weights)
    return SwapPreview(
        first=a,
        second=b,
        before=(a.group.score, b.group.score),
        after=(score(new_a), score(new_b)),
        problems=problems,
    )


def _score_ids(people: dict, weights: CompatibilityWeights, ids: list[int]) -> float:
    present = [people[i] for i in ids if i in people]
    return group_score(present, weights)


@transaction.atomic
def matching_swap_apply(
    *, run: MatchingRun, first: Application, second: Application, actor
) -> SwapPreview:
    """Swap two members between their groups, re-score both and the run."""
    run = MatchingRun.objects.select_for_update().select_related("cohort__program").get(pk=run.pk)
    preview = matching_swap_preview(run=run, first=first, second=second)
    if preview.problems:
        raise MatchingChangeRefused(
            _("This swap breaks a hard constraint: %(problems)s")
            % {"problems": "; ".join(preview.problems)}
        )
    a, b = preview.first, preview.second
    MatchGroupMember.objects.filter(pk=a.pk).update(group=b.group)
    MatchGroupMember.objects.filter(pk=b.pk).update(group=a.group)
    participants = {p.id: p for p in matching_participants(cohort=run.cohort)}
    weights = weights_of(run.parameters)
    ids = _members_of([a.group, b.group])
    for group, score in ((a.group, preview.after[0]), (b.group, preview.after[1])):
        group.score = score
        group.reasons = group_reasons([participants[i] for i in ids[group.pk]], weights)
        group.save(update_fields=["score", "reasons"])
    run.objective = round((run.objective or 0) + preview.delta, 6)
    run.optimal = False
    run.edited = True
    run.save(update_fields=["objective", "optimal", "edited"])
    activity_log_record(
        actor=actor,
        obj=run,
        action_type=Activity.MATCHING_RUN_SWAPPED,
        data={
            "applications": [first.pk, second.pk],
            "groups": [a.group.number, b.group.number],
            "delta": preview.delta,
        },
    )
    return preview


@transaction.atomic
def matching_rerun_around_locks(*, run: MatchingRun, actor) -> MatchingRun:
    """A new run with this run's parameters that keeps its locked groups as they are."""
    if run.status not in MATCHING_RUN_DONE:
        raise MatchingChangeRefused(_("Only a finished matching can be re-run."))
    locked = MatchGroup.objects.filter(run=run, locked=True).prefetch_related(
        Prefetch("members", queryset=MatchGroupMember.objects.order_by("id"))
    )
    locked_groups = [[m.application_id for m in group.members.all()] for group in locked]
    parameters = {key: value for key, value in run.parameters.items() if key != "locked_groups"}
    return matching_run_start(
        cohort=run.cohort,
        actor=actor,
        based_on=run,
        parameters={**parameters, "locked_groups": locked_groups},
    )


@transaction.atomic
def matching_run_publish(*, run: MatchingRun, actor) -> MatchingRun:
    """Publish a finished run (one per cohort) and email its participants after commit."""
    Cohort.objects.select_for_update().filter(pk=run.cohort_id).first()
    locked_run = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if matching_cohort_published(cohort=run.cohort_id):
        raise MatchingAlreadyPublished
    _editable(locked_run)
    locked_run.status = RS.PUBLISHED
    locked_run.published_at = timezone.now()
    locked_run.save(update_fields=["status", "published_at"])
    activity_log_record(
        actor=actor,
        obj=locked_run,
        action_type=Activity.MATCHING_RUN_PUBLISHED,
        data={"cohort": run.cohort_id},
    )
    notify_matching_published(run=locked_run)
    run.status, run.published_at = locked_run.status, locked_run.published_at
    return run


# --------------------------------------------------------------------------- constraints
@transaction.atomic
def matching_constraint_add(
    *, cohort: Cohort, kind: str, first: Application, second: Application, actor
) -> MatchingConstraint:
    """Record that two participants must (or must never) share a group."""
    if first.pk == second.pk:
        raise ExchangeError(_("Choose two different participants."))
    if first.cohort_id != cohort.pk or second.cohort_id != cohort.pk:
        raise ExchangeError(_("Both participants must belong to this cohort."))
    low, high = sorted([first, second], key=lambda a: a.pk)
    if MatchingConstraint.objects.filter(
        cohort=cohort, first__in=[low, high], second__in=[low, high]
    ).exists():
        raise ExchangeError(_("These two participants already have a rule."))
    constraint = MatchingConstraint.objects.create(
        cohort=cohort, kind=kind, first=low, second=high, created_by=actor
    )
    activity_log_record(
        actor=actor,
        obj=constraint,
        action_type=Activity.MATCHING_CONSTRAINT_ADDED,
        data={"kind": kind, "applications": [low.pk, high.pk]},
    )
    return constraint


@transaction.atomic
def matching_constraint_remove(*, constraint: MatchingConstraint, actor) -> None:
    activity_log_record(
        actor=actor,
        obj=constraint.cohort,
        action_type=Activity.MATCHING_CONSTRAINT_REMOVED,
        data={"kind": constraint.kind, "applications": [constraint.first_id, constraint.second_id]},
    )
    constraint.delete()


@transaction.atomic
def matching_profile_save(
    *,
    application: Application,
    actor,
    interests: list[str],
    gender: str,
    host_preferences: list[int] | None = None,
    pet_allergy: bool = False,
    dietary_needs: bool = False,
) -> MatchingProfile:
    """Store a participant's interests (at most ``MAX_INTERESTS``), optional gender, ranked
    hosts of their cohort and the allergy flags host placement filters on."""
    if len(interests) > MAX_INTERESTS:
        raise ExchangeError(_("Choose at most %(max)s interests.") % {"max": MAX_INTERESTS})
    host_preferences = list(dict.fromkeys(host_preferences or []))
    if host_preferences and application.cohort.hosts.filter(pk__in=host_preferences).count() != len(
        host_preferences
    ):
        raise ExchangeError(_("Choose hosts of your own cohort."))
    profile, _created = MatchingProfile.objects.update_or_create(
        application=application,
        defaults={
            "interests": list(interests),
            "gender": gender,
            "host_preferences": host_preferences,
            "pet_allergy": pet_allergy,
            "dietary_needs": dietary_needs,
            "updated_at": timezone.now(),
        },
    )
    activity_log_record(
        actor=actor, obj=application, action_type=Activity.MATCHING_PROFILE_SAVED, data={}
    )
    return profile
