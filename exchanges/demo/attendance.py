"""Demo itinerary and attendance of the running cohort (the autumn cohort hosted in Tokyo,
under way): a morning and an afternoon session on each day of the program, attendance
recorded for every session that has started, and the cohort's completion rule.

Built through the services staff use (``itinerary_item_save``, ``attendance_record``,
``completion_rule_save``). Idempotent like ``demo_seed``: a cohort that already has an
itinerary keeps it, and marks get stable client ids, so a second run records nothing twice.
Nobody completes yet: the program has not ended.
"""

import datetime as dt
import random
import uuid

from django.utils import timezone

from accounts.models import User
from exchanges.enums import ApplicationStatus, AttendanceStatus
from exchanges.models import Application, Cohort, CompletionRule, ItineraryItem
from exchanges.services.attendance import attendance_record, completion_rule_save
from exchanges.services.predeparture import itinerary_item_save

# (start, end, title en/ja/ko, place en/ja/ko, map link)
SESSIONS = [
    (
        "09:30",
        "12:00",
        ("Morning seminar", "午前のセミナー", "오전 세미나"),
        ("International House of Japan", "国際文化会館", "국제문화회관"),
        "https://www.openstreetmap.org/?mlat=35.6566&mlon=139.7330",
    ),
    (
        "14:00",
        "17:00",
        ("Site visit and group work", "視察とグループワーク", "현장 방문 및 그룹 활동"),
        ("Tokyo Metropolitan Government Building", "東京都庁", "도쿄도청"),
        "https://www.openstreetmap.org/?mlat=35.6896&mlon=139.6917",
    ),
]
NAMESPACE = uuid.UUID("6f0c4a52-2d1b-4e8e-9a57-1c3c1f0b7d21")


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def seed_demo_attendance(*, cohort: Cohort, staff: User) -> dict[str, int]:
    """Create the running cohort's itinerary, attendance so far and completion rule."""
    sessions = 0
    if not ItineraryItem.objects.filter(cohort=cohort).exists():
        day = cohort.starts_on
        while day <= cohort.ends_on:
            for start, end, titles, places, map_url in SESSIONS:
                itinerary_item_save(
                    cohort=cohort,
                    actor=staff,
                    day=day,
                    start_time=_time(start),
                    end_time=_time(end),
                    title_en=titles[0],
                    title_ja=titles[1],
                    title_ko=titles[2],
                    place_en=places[0],
                    place_ja=places[1],
                    place_ko=places[2],
                    notes="Please be in the lobby ten minutes early.",
                    notes_ja="開始10分前にロビーにお集まりください。",
                    notes_ko="시작 10분 전까지 로비에 모여 주십시오.",
                    map_url=map_url,
                )
                sessions += 1
            day += dt.timedelta(days=1)
    if not CompletionRule.objects.filter(cohort=cohort).exists():
        completion_rule_save(
            cohort=cohort, actor=staff, min_attendance_percent=80, require_post_survey=True
        )
    now = timezone.now()
    participants = list(
        Application.objects.filter(cohort=cohort, status=ApplicationStatus.PARTICIPANT).order_by(
            "id"
        )
    )
    marks = 0
    for item in ItineraryItem.objects.filter(cohort=cohort).order_by("day", "start_time"):
        started = item.starts_at(cohort.time_zone)
        if started > now:
            continue
        batch = []
        for application in participants:
            rng = random.Random(f"trilink-attendance-{item.pk}-{application.pk}")  # noqa: S311 -- demo data
            roll = rng.random()
            status = (
                AttendanceStatus.PRESENT
                if roll < 0.9
                else AttendanceStatus.ABSENT
                if roll < 0.96
                else AttendanceStatus.EXCUSED
            )
            batch.append(
                {
                    "application": application.pk,
                    "status": status,
                    "client_id": str(uuid.uuid5(NAMESPACE, f"{item.pk}:{application.pk}")),
                    "marked_at": (started + dt.timedelta(minutes=5)).isoformat(),
                }
            )
        if batch:
            marks += len(attendance_record(item=item, marks=batch, actor=staff)["saved"])
    return {"itinerary_sessions_created": sessions, "attendance_marks_created": marks}
