#!/usr/bin/env bash
# Celery beat: publishes the periodic tasks of CELERY_BEAT_SCHEDULE. Run exactly one.
# Its schedule state lives in $TRILINK_VAR_DIR (CELERY_BEAT_SCHEDULE_FILENAME).
set -euo pipefail
cd "$(dirname "$0")/.."

exec celery -A config beat --loglevel "${CELERY_LOG_LEVEL:-info}"
