"""Demo alumni network: the finished Washington cohort's alumni in the directory, a short
exchange of messages and one reported message for the staff's review.

Called from the demo's mentor seeding (before the mentor pairing, which draws only on alumni
who offered to mentor); idempotent like ``demo_seed``: alumni who already have a profile are
left alone. Profiles are saved through ``alumni_profile_save`` and messages sent through
``alumni_message_send``, so the demo passes the same rules as a person would. Every field
visibility appears: most alumni show everything to alumni, some keep their organisation to
staff or their interests to themselves, and one in four takes no messages. All of them offer
to mentor (the running cohort's participants need all twelve). Generated applicants share the
demo password, so ``applicant-jp-091@…`` and the others can sign in and browse.
"""

from exchanges.enums import AlumniContact, AlumniVisibility, ApplicationStatus
from exchanges.models import Cohort
from exchanges.selectors.alumni import alumni_profile_of
from exchanges.services.alumni import (
    alumni_message_report,
    alumni_message_send,
    alumni_profile_save,
)

# Interests as alumni of each country write them, in their own language.
DEMO_INTERESTS = {
    "US": [
        "Local journalism, energy policy and hiking",
        "Civic tech and open data",
        "Trilateral security dialogue, jazz",
        "Teacher exchanges and K-12 curricula",
    ],
    "JP": [
        "地方創生、再生可能エネルギー",
        "報道の自由、ドキュメンタリー制作",
        "日韓の若者交流、茶道",
        "スタートアップ支援と地域金融",
    ],
    "KR": [
        "청년 정책, 도시 재생",
        "기후 외교와 에너지 전환",
        "한일 문화 교류, 웹툰",
        "사회적 기업과 지역 공동체",
    ],
}
DEMO_MESSAGES = [
    # (sender, recipient, body): positions in the cohort's alumni ordered by country (Japan
    # 0-3, Korea 4-7, United States 8-11); a message to someone who wrote first is a reply.
    (
        8,
        0,
        "Hi! I saw you work on regional revitalisation. Could we compare notes on rural "
        "energy projects some time?",
    ),
    (0, 8, "ぜひお願いします。来月ワシントンに出張しますので、お会いできれば嬉しいです。"),
    (5, 9, "Buy cheap followers for your newsroom! Visit my site."),
]


def _values(application, index: int) -> dict:
    country = application.country
    interests = DEMO_INTERESTS.get(country, DEMO_INTERESTS["US"])
    native = {"US": "en", "JP": "ja", "KR": "ko"}.get(country, "en")
    return {
        "display_name": application.applicant.display_name,
        "sector": application.sector,
        "organisation": application.institution,
        "interests": interests[index % len(interests)],
        "contact": AlumniContact.NONE if index % 4 == 3 else AlumniContact.MESSAGES,
        "open_to_mentoring": True,
        "languages": sorted({native, "en"}),
        "sector_visibility": AlumniVisibility.ALUMNI,
        "organisation_visibility": (
            AlumniVisibility.STAFF if index % 4 == 1 else AlumniVisibility.ALUMNI
        ),
        "country_visibility": AlumniVisibility.ALUMNI,
        "cohort_visibility": AlumniVisibility.ALUMNI,
        "languages_visibility": AlumniVisibility.ALUMNI,
        "interests_visibility": (
            AlumniVisibility.PRIVATE if index % 4 == 2 else AlumniVisibility.ALUMNI
        ),
    }


def seed_demo_alumni(*, cohort: Cohort) -> dict[str, int]:
    """Put the alumni of ``cohort`` in the directory and let a few of them write; returns
    counts of what was added."""
    alumni = list(
        cohort.applications.filter(status=ApplicationStatus.ALUMNUS)
        .select_related("applicant", "cohort")
        .order_by("country", "id")
    )
    created = []
    for index, application in enumerate(alumni):
        person = application.applicant
        if alumni_profile_of(user=person) is not None:
            continue
        created.append(
            alumni_profile_save(user=person, actor=person, values=_values(application, index))
        )
    sent = 0
    if len(created) == len(alumni) and len(created) > max(i for m in DEMO_MESSAGES for i in m[:2]):
        messages = []
        for sender, recipient, body in DEMO_MESSAGES:
            previous = next(
                (m for m in messages if m.sender_id == created[recipient].user_id), None
            )
            messages.append(
                alumni_message_send(
                    sender=created[sender].user,
                    body=body,
                    recipient_profile=None if previous else created[recipient],
                    in_reply_to=previous,
                )
            )
        sent = len(messages)
        last = messages[-1]
        alumni_message_report(
            message=last, actor=last.recipient, reason="Advertising, not from an alumnus I know."
        )
    return {"alumni_profiles_created": len(created), "alumni_messages_sent": sent}
