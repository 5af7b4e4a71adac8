"""Examples of the partner API's responses for the OpenAPI schema (drf-spectacular).

One fictional Japanese partner's view of one cohort. A list operation shows one row: the
schema wraps it in the page (``next``, ``previous``, ``results``). A test validates every
example against its operation's schema, and Schemathesis sends the request examples.
"""

from drf_spectacular.utils import OpenApiExample

ORGANISATION = {"id": 7, "name": "Japan Center for Civic Exchange", "country": "JP"}
QUOTAS = [
    {"country": "US", "seats": 10, "waitlist_size": 3, "filled": 4},
    {"country": "JP", "seats": 10, "waitlist_size": 3, "filled": 6},
    {"country": "KR", "seats": 10, "waitlist_size": 3, "filled": 5},
]
COHORT = {
    "id": 12,
    "slug": "2027-summer-seoul",
    "name_en": "2027 Summer, hosted in Seoul",
    "name_ja": "2027年夏（ソウル開催）",
    "name_ko": "2027년 여름(서울 개최)",
    "status": "open",
    "opens_at": "2026-11-01T00:00:00Z",
    "deadline": "2027-02-28T14:59:59Z",
    "time_zone": "Asia/Tokyo",
    "starts_on": "2027-07-20",
    "ends_on": "2027-08-03",
    "host_country": "KR",
    "quotas": QUOTAS,
}
COHORT_DETAIL = {**COHORT, "program": 3}
PROGRAM = {
    "id": 3,
    "slug": "next-generation-leaders",
    "name_en": "Trilateral Next-Generation Leaders Exchange",
    "name_ja": "日米韓次世代リーダー交流",
    "name_ko": "한미일 차세대 리더 교류",
    "kind": "professional",
    "countries": ["US", "JP", "KR"],
    "sectors": ["politics", "media", "civil_society"],
    "cohorts": [COHORT],
}
APPLICANT = {
    "given_name": "Hana",
    "family_name": "Sato",
    "local_name": "佐藤 花",
    "email": "hana.sato@example.jp",
    "preferred_language": "ja",
}
APPLICATION = {
    "id": 4182,
    "cohort": 12,
    "status": "submitted",
    "country": "JP",
    "applicant": APPLICANT,
    "birth_date": "1998-04-12",
    "citizenship": "JP",
    "residence_country": "JP",
    "sector": "civil_society",
    "institution": "Sendai Youth Council",
    "languages": ["ja", "en"],
    "nominated_by": 7,
    "created_at": "2026-12-01T09:30:00Z",
    "updated_at": "2027-01-15T11:02:13Z",
    "submitted_at": "2027-01-15T11:02:13Z",
    "status_changed_at": "2027-01-15T11:02:13Z",
    "answers": [
        {
            "question": 55,
            "label": "Why do you want to take part?",
            "kind": "long_text",
            "value": "To build lasting ties between young civic leaders.",
            "updated_at": "2027-01-15T10:58:40Z",
        }
    ],
    "documents": [
        {
            "id": 903,
            "kind": "cv",
            "question": 57,
            "original_name": "cv-sato.pdf",
            "content_type": "application/pdf",
            "size": 48213,
            "sha256": "9f2c4b7a1e0d3c5b8a6f4e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b",
            "uploaded_at": "2027-01-14T08:12:00Z",
            "download_url": "https://trilink.example/api/v1/documents/903/file/",
        }
    ],
}
NOMINATION = {
    "id": 31,
    "cohort": 12,
    "name": "Sato Hana",
    "email": "hana.sato@example.jp",
    "language": "ja",
    "note": "Youth council chair, Sendai.",
    "status": "invited",
    "application": None,
    "created_at": "2026-11-20T02:00:00Z",
    "withdrawn_at": None,
}
PARTICIPANT = {
    "application": 4182,
    "cohort": 12,
    "status": "confirmed",
    "country": "JP",
    "applicant": APPLICANT,
    "group": {"id": 88, "number": 4},
    "host": {"id": 19, "name": "Kim family", "kind": "family", "city": "Seoul"},
    "mentor": {"application": 2210, "given_name": "Jisoo", "family_name": "Park", "country": "KR"},
}
GROUP = {
    "id": 88,
    "cohort": 12,
    "number": 4,
    "members": [
        {"application": 4182, "given_name": "Hana", "family_name": "Sato", "country": "JP"},
    ],
}
ME = {
    "name": "Roster sync",
    "prefix": "0123abcd4567",
    "organisation": ORGANISATION,
    "country": "JP",
    "scopes": ["applications:read", "programs:read"],
    "expires_at": "2027-12-31T15:00:00Z",
    "last_used_at": "2027-01-16T03:21:00Z",
}
_SUPPRESSED = {
    "n": None,
    "mean_before": None,
    "mean_after": None,
    "mean_change": None,
    "ci95": None,
    "cohen_dz": None,
    "wilcoxon_p": None,
    "suppressed": True,
}
OUTCOMES = {
    "cohort": 12,
    "waves": [
        {
            "wave": "pre",
            "responses": [
                {"country": "JP", "n": 9, "suppressed": False},
                {"country": "KR", "n": None, "suppressed": True},
            ],
            "total": 12,
            "suppressed": False,
        }
    ],
    "comparisons": [
        {
            "before": "pre",
            "after": "post",
            "pairs": [],
            "items": [
                {
                    "item": "Feeling toward Korea (0-100)",
                    "overall": {
                        "n": 12,
                        "mean_before": 52.5,
                        "mean_after": 68.0,
                        "mean_change": 15.5,
                        "ci95": [8.1, 22.9],
                        "cohen_dz": 0.92,
                        "wilcoxon_p": 0.004,
                        "suppressed": False,
                    },
                    "by_country": [{**_SUPPRESSED, "country": "KR"}],
                }
            ],
        }
    ],
    "nps": [
        {
            "wave": "post",
            "item": "How likely are you to recommend the program?",
            "overall": {"n": 12, "nps": 41.7, "ci95": [10.2, 73.1], "suppressed": False},
            "by_country": [
                {"n": None, "nps": None, "ci95": None, "suppressed": True, "country": "KR"}
            ],
        }
    ],
}


WEBHOOK = {
    "id": 5,
    "url": "https://hooks.jcce.example.jp/trilink",
    "events": ["application.submitted", "application.decided"],
    "description": "Applicant tracker",
    "contact_email": "it@jcce.example.jp",
    "contact_language": "ja",
    "active": True,
    "consecutive_failures": 0,
    "disabled_at": None,
    "created_at": "2026-11-20T01:00:00Z",
}
WEBHOOK_CREATED = {**WEBHOOK, "secret": "whsec_3q2+7wDxYz0kLm9pQrStUvWx1AbCdEfGhIjKlMnO"}
WEBHOOK_DELIVERY = {
    "id": 812,
    "subscription": 5,
    "event_id": "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
    "event_type": "application.submitted",
    "status": "succeeded",
    "attempts": 2,
    "next_attempt_at": "2026-11-20T02:01:00Z",
    "delivered_at": "2026-11-20T02:01:02Z",
    "created_at": "2026-11-20T02:00:00Z",
    "payload": {
        "id": "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "type": "application.submitted",
        "version": 1,
        "created_at": "2026-11-20T02:00:00Z",
        "data": {"application": 4182, "cohort": 12, "country": "JP", "status": "submitted"},
    },
    "log": [
        {
            "number": 1,
            "created_at": "2026-11-20T02:00:01Z",
            "status_code": 503,
            "response_ms": 120,
            "error": "",
            "succeeded": False,
        },
        {
            "number": 2,
            "created_at": "2026-11-20T02:01:02Z",
            "status_code": 200,
            "response_ms": 85,
            "error": "",
            "succeeded": True,
        },
    ],
}


def response(name: str, value, status: str = "200") -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[status])


def request(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)
