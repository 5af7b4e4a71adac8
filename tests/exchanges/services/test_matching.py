"""Matching services: runs, progress, infeasibility, locks, swaps, re-runs and publishing."""

import itertools

import pytest
from django.core import mail

from exchanges.enums import MatchingConstraintKind, MatchingRunStatus
from exchanges.exceptions import ExchangeError, MatchingAlreadyPublished, MatchingChangeRefused
from exchanges.matching import compatibility
from exchanges.models import ActivityLog, MatchGroup, MatchGroupMember, MatchingRun
from exchanges.services import matching as matching_services
from exchanges.services.matching import (
    matching_constraint_add,
    matching_group_lock,
    matching_participants,
    matching_rerun_around_locks,
    matching_run_execute,
    matching_run_publish,
    matching_run_start,
    matching_swap_apply,
    matching_swap_preview,
    weights_of,
)
from exchanges.tasks import task_run_matching
from tests.factories.applications import CohortFactory
from tests.factories.matching import MatchingParticipantFactory, triad_cohort

PARAMETERS = {"per_country": 1, "time_limit": 5}


@pytest.fixture
def cohort(db):
    return CohortFactory()


def _run(cohort, secretariat, django_capture_on_commit_callbacks, **parameters):
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(
            cohort=cohort, actor=secretariat, parameters={**PARAMETERS, **parameters}
        )
    run.refresh_from_db()
    return run


def _groups(run):
    return [
        sorted(MatchGroupMember.objects.filter(group=g).values_list("application_id", flat=True))
        for g in MatchGroup.objects.filter(run=run).order_by("number")
    ]


def test_run_start_executes_task_on_commit_and_stores_groups(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    triad_cohort(cohort, groups=3)

    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)

    assert run.status == MatchingRunStatus.FINISHED
    assert run.progress == 100
    assert run.participant_count == 9
    assert MatchGroup.objects.filter(run=run).count() == 3
    assert MatchGroupMember.objects.filter(run=run).count() == 9
    assert run.optimal is True
    assert run.objective == pytest.approx(sum(g.score for g in MatchGroup.objects.filter(run=run)))
    assert list(
        ActivityLog.objects.filter(object_id=run.pk)
        .order_by("id")
        .values_list("action_type", flat=True)
    ) == ["exchanges.matching_run.started", "exchanges.matching_run.finished"]


def test_run_reasons_name_shared_interests_and_common_language(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    triad_cohort(cohort, groups=1)

    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)

    group = MatchGroup.objects.get(run=run)
    assert group.reasons == {
        "shared_interests": ["climate", "trade"],
        "common_languages": ["en"],
        "sectors": ["academia"],
    }


def test_run_execute_reports_progress_in_separate_updates(cohort, secretariat, monkeypatch):
    triad_cohort(cohort, groups=2)
    run = MatchingRun.objects.create(
        cohort=cohort, parameters={**matching_services.DEFAULT_PARAMETERS, **PARAMETERS}
    )
    seen = []
    original = matching_services.solve_groups
    monkeypatch.setattr(matching_services, "PROGRESS_INTERVAL", 0)

    def spy(problem, *, time_limit, progress, **hooks):
        progress(0.42, "halfway")
        seen.append(MatchingRun.objects.values_list("status", "progress").get(pk=run.pk))
        return original(problem, time_limit=time_limit, **hooks)

    monkeypatch.setattr(matching_services, "solve_groups", spy)

    matching_run_execute(run_id=run.pk)

    assert seen == [(MatchingRunStatus.RUNNING, 42)]
    run.refresh_from_db()
    assert (run.status, run.progress) == (MatchingRunStatus.FINISHED, 100)


def test_run_infeasible_fails_with_explanation(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    us1, jp1, _kr1 = triad_cohort(cohort, groups=1)
    matching_constraint_add(
        cohort=cohort,
        kind=MatchingConstraintKind.DO_NOT_MATCH,
        first=us1,
        second=jp1,
        actor=secretariat,
    )

    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)

    assert run.status == MatchingRunStatus.FAILED
    assert run.message == "infeasible"
    assert run.problems != []
    assert MatchGroup.objects.filter(run=run).count() == 0


def test_run_uneven_cohort_extends_full_groups(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    triad_cohort(cohort, groups=1)
    extra = MatchingParticipantFactory(cohort=cohort, from_country="US")

    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)

    assert run.status == MatchingRunStatus.FINISHED
    [group] = _groups(run)
    assert len(group) == 4
    assert extra.pk in group


@pytest.mark.parametrize(
    "case",
    [
        ((10, 9, 8), "extend", [3] * 5 + [4] * 3),
        ((10, 9, 8), "partial", [3] * 7 + [2, 4]),
        ((1, 0, 1), "extend", [2]),
        ((1, 0, 1), "partial", [2]),
        ((3, 2, 3), "partial", [2, 3, 3]),
    ],
)
def test_run_uneven_counts_place_everyone_by_the_rule(
    cohort, secretariat, django_capture_on_commit_callbacks, case
):
    counts, rule, sizes = case
    people = [
        MatchingParticipantFactory(cohort=cohort, from_country=country)
        for country, n in zip(("US", "JP", "KR"), counts, strict=True)
        for _ in range(n)
    ]

    run = _run(cohort, secretariat, django_capture_on_commit_callbacks, leftover=rule)

    groups = _groups(run)
    assert run.status == MatchingRunStatus.FINISHED
    assert sorted(len(g) for g in groups) == sorted(sizes)
    assert sorted(pid for g in groups for pid in g) == sorted(p.pk for p in people)
    country = {p.pk: p.country for p in people}
    for group in groups:
        assert len(group) == 1 or len({country[pid] for pid in group}) >= 2


def test_run_must_match_and_do_not_match_are_kept(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    us1, jp1, kr1, us2, jp2, kr2 = triad_cohort(cohort, groups=2)
    matching_constraint_add(
        cohort=cohort,
        kind=MatchingConstraintKind.MUST_MATCH,
        first=us1,
        second=jp2,
        actor=secretariat,
    )
    matching_constraint_add(
        cohort=cohort,
        kind=MatchingConstraintKind.DO_NOT_MATCH,
        first=us1,
        second=kr1,
        actor=secretariat,
    )

    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)

    assert sorted(_groups(run)) == sorted(
        [sorted([us1.pk, jp2.pk, kr2.pk]), sorted([us2.pk, jp1.pk, kr1.pk])]
    )


def test_run_start_rejects_out_of_range_parameters(cohort, secretariat):
    triad_cohort(cohort)

    with pytest.raises(ExchangeError) as excinfo:
        matching_run_start(
            cohort=cohort, actor=secretariat, parameters={"per_country": 0, "time_limit": 5}
        )

    assert str(excinfo.value.message) == "Members per country must be a whole number from 1 to 10."
    assert MatchingRun.objects.count() == 0


def test_run_start_without_participants_is_refused(cohort, secretariat):
    with pytest.raises(ExchangeError) as excinfo:
        matching_run_start(cohort=cohort, actor=secretariat, parameters=PARAMETERS)

    assert str(excinfo.value.message) == "This cohort has no confirmed participants to match yet."


def test_task_missing_run_is_a_quiet_noop(db):
    assert task_run_matching.run(999_999) is None


def test_task_finished_run_is_left_alone(cohort, secretariat, django_capture_on_commit_callbacks):
    triad_cohort(cohort)
    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)

    task_run_matching.run(run.pk)

    assert MatchGroup.objects.filter(run=run).count() == 1


def test_swap_preview_delta_equals_recomputed_difference(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    us1 = MatchingParticipantFactory(
        cohort=cohort, from_country="US", profile__interests=["climate"], sector="media"
    )
    us2 = MatchingParticipantFactory(
        cohort=cohort, from_country="US", profile__interests=["film"], sector="business"
    )
    jp1 = MatchingParticipantFactory(
        cohort=cohort, from_country="JP", profile__interests=["climate"], languages={"ja": "native"}
    )
    jp2 = MatchingParticipantFactory(
        cohort=cohort, from_country="JP", profile__interests=["film"], sector="politics"
    )
    kr1 = MatchingParticipantFactory(
        cohort=cohort, from_country="KR", profile__interests=["climate", "history"]
    )
    kr2 = MatchingParticipantFactory(
        cohort=cohort,
        from_country="KR",
        profile__interests=["film", "history"],
        profile__gender="female",
    )
    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)
    groups_before = _groups(run)
    participants = {p.id: p for p in matching_participants(cohort=cohort)}
    weights = weights_of(run.parameters)

    def total(groups):
        return sum(
            compatibility(participants[a], participants[b], weights).score
            for g in groups
            for a, b in itertools.combinations(g, 2)
        )

    preview = matching_swap_preview(run=run, first=us1, second=us2)
    matching_swap_apply(run=run, first=us1, second=us2, actor=secretariat)

    groups_after = _groups(run)
    assert groups_after != groups_before
    assert preview.delta == pytest.approx(total(groups_after) - total(groups_before))
    run.refresh_from_db()
    assert run.objective == pytest.approx(total(groups_after))
    assert (run.optimal, run.edited) == (False, True)
    assert {jp1.pk, jp2.pk, kr1.pk, kr2.pk} <= {pid for g in groups_after for pid in g}


def test_swap_between_countries_is_refused(cohort, secretariat, django_capture_on_commit_callbacks):
    us1, jp1, _kr1, _us2, _jp2, _kr2 = triad_cohort(cohort, groups=2)
    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)

    with pytest.raises(MatchingChangeRefused) as excinfo:
        matching_swap_preview(run=run, first=us1, second=jp1)

    assert str(excinfo.value.message) == "Only two members from the same country can be swapped."


def test_swap_that_breaks_institution_rule_is_previewed_and_refused(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    us1 = MatchingParticipantFactory(cohort=cohort, from_country="US")
    us2 = MatchingParticipantFactory(cohort=cohort, from_country="US")
    MatchingParticipantFactory(cohort=cohort, from_country="JP")
    MatchingParticipantFactory(cohort=cohort, from_country="JP")
    MatchingParticipantFactory(cohort=cohort, from_country="KR", institution="Shared University")
    MatchingParticipantFactory(cohort=cohort, from_country="KR")
    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)
    kr_group = MatchGroupMember.objects.get(
        run=run, application__institution="Shared University", application__country="KR"
    ).group
    inside, outside = (
        (us1, us2)
        if MatchGroupMember.objects.get(run=run, application=us1).group == kr_group
        else (us2, us1)
    )
    outside.institution = "Shared University"
    outside.save(update_fields=["institution"])

    preview = matching_swap_preview(run=run, first=outside, second=inside)

    assert len(preview.problems) == 1
    with pytest.raises(MatchingChangeRefused):
        matching_swap_apply(run=run, first=outside, second=inside, actor=secretariat)


def test_locked_group_kept_on_rerun(cohort, secretariat, django_capture_on_commit_callbacks):
    triad_cohort(cohort, groups=3)
    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)
    groups = list(MatchGroup.objects.filter(run=run).order_by("number"))
    # Make group 1 something the solver would not choose by swapping, then lock it.
    us_members = MatchGroupMember.objects.filter(run=run, application__country="US").order_by(
        "group__number"
    )
    matching_swap_apply(
        run=run,
        first=us_members[0].application,
        second=us_members[1].application,
        actor=secretariat,
    )
    matching_group_lock(group=groups[0], actor=secretariat, locked=True)
    locked_ids = _groups(run)[0]

    with django_capture_on_commit_callbacks(execute=True):
        rerun = matching_rerun_around_locks(run=run, actor=secretariat)
    rerun.refresh_from_db()

    assert rerun.status == MatchingRunStatus.FINISHED
    assert rerun.based_on == run
    assert rerun.parameters["locked_groups"] == [
        list(
            MatchGroupMember.objects.filter(group=groups[0])
            .order_by("id")
            .values_list("application_id", flat=True)
        )
    ]
    assert locked_ids in _groups(rerun)
    locked_group = MatchGroup.objects.get(run=rerun, locked=True)
    assert sorted(locked_group.members.values_list("application_id", flat=True)) == locked_ids


def test_lock_after_publish_is_refused(cohort, secretariat, django_capture_on_commit_callbacks):
    triad_cohort(cohort)
    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)
    matching_run_publish(run=run, actor=secretariat)

    with pytest.raises(MatchingChangeRefused):
        matching_group_lock(group=MatchGroup.objects.get(run=run), actor=secretariat, locked=True)


def test_publish_only_once_per_cohort(cohort, secretariat, django_capture_on_commit_callbacks):
    triad_cohort(cohort)
    first = _run(cohort, secretariat, django_capture_on_commit_callbacks)
    second = _run(cohort, secretariat, django_capture_on_commit_callbacks)
    matching_run_publish(run=first, actor=secretariat)

    with pytest.raises(MatchingAlreadyPublished):
        matching_run_publish(run=second, actor=secretariat)
    with pytest.raises(MatchingAlreadyPublished):
        matching_run_publish(run=first, actor=secretariat)

    assert list(
        MatchingRun.objects.filter(cohort=cohort).order_by("id").values_list("status", flat=True)
    ) == [MatchingRunStatus.PUBLISHED, MatchingRunStatus.FINISHED]


def test_other_runs_refuse_changes_once_one_is_published(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    members = triad_cohort(cohort, groups=2)
    published = _run(cohort, secretariat, django_capture_on_commit_callbacks)
    other = _run(cohort, secretariat, django_capture_on_commit_callbacks)
    matching_run_publish(run=published, actor=secretariat)
    us_first, us_second = (a for a in members if a.country == "US")

    with pytest.raises(MatchingAlreadyPublished) as lock:
        matching_group_lock(
            group=MatchGroup.objects.filter(run=other).first(), actor=secretariat, locked=True
        )
    with pytest.raises(MatchingAlreadyPublished):
        matching_swap_preview(run=other, first=us_first, second=us_second)
    with pytest.raises(MatchingAlreadyPublished):
        matching_swap_apply(run=other, first=us_first, second=us_second, actor=secretariat)
    with pytest.raises(MatchingAlreadyPublished):
        matching_rerun_around_locks(run=other, actor=secretariat)

    assert str(lock.value.message) == "A matching is already published for this cohort."
    assert list(MatchGroup.objects.filter(run=other).values_list("locked", flat=True)) == [
        False,
        False,
    ]
    assert MatchingRun.objects.filter(cohort=cohort).count() == 2


def test_publish_notifies_each_member_in_their_language_on_commit(
    cohort, secretariat, django_capture_on_commit_callbacks
):
    us, jp, kr = triad_cohort(cohort)
    jp.applicant.preferred_language = "ja"
    jp.applicant.local_name = "山田花子"
    jp.applicant.save()
    kr.applicant.preferred_language = "ko"
    kr.applicant.save()
    run = _run(cohort, secretariat, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        matching_run_publish(run=run, actor=secretariat)
    assert mail.outbox == []
    for callback in callbacks:
        callback()

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == sorted(
        [us.applicant.email, jp.applicant.email, kr.applicant.email]
    )
    assert by_recipient[us.applicant.email].subject == f"Your group for {cohort.program.name_en}"
    jp_latin = f"{jp.applicant.given_name} {jp.applicant.family_name}"
    assert f"- {jp_latin} (Japan)\n" in by_recipient[us.applicant.email].body
    assert "- 山田花子(" in by_recipient[kr.applicant.email].body
    assert (
        by_recipient[jp.applicant.email].subject == f"グループのお知らせ：{cohort.program.name_ja}"
    )
    assert by_recipient[kr.applicant.email].subject == f"그룹 배정 안내: {cohort.program.name_ko}"
    assert (
        ActivityLog.objects.filter(
            object_id=run.pk, action_type="exchanges.matching_run.published"
        ).count()
        == 1
    )
