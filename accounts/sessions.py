"""Time limits of staff sessions: 30 minutes idle and 12 hours in all (settings
``STAFF_SESSION_IDLE_SECONDS`` and ``STAFF_SESSION_MAX_SECONDS``).

The session holds when it signed in and when it was last used, as Unix seconds. The last-use
time is written at most once a ``SEEN_WRITE_SECONDS``, so an ordinary request does not save
the session.
"""

import time

from django.conf import settings

SIGNED_IN_AT = "trilink_signed_in_at"
SEEN_AT = "trilink_seen_at"
SEEN_WRITE_SECONDS = 60


def start_session_clock(session, *, now: float | None = None) -> None:
    now = int(time.time() if now is None else now)
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def staff_session_expired(session, *, now: float | None = None) -> bool:
    """Whether a staff session has been idle or open too long; otherwise record this use."""
    now = int(time.time() if now is None else now)
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT)
    if signed_in_at is None or seen_at is None:
        # A session from before these limits: its clocks start now.
        start_session_clock(session, now=now)
        return False
    if now - seen_at > settings.STAFF_SESSION_IDLE_SECONDS:
        return True
    if now - signed_in_at > settings.STAFF_SESSION_MAX_SECONDS:
        return True
    if now - seen_at >= SEEN_WRITE_SECONDS:
        session[SEEN_AT] = now
    return False
