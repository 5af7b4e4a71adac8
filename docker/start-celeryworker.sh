#!/usr/bin/env bash
# Celery worker: runs the tasks that the web process and beat publish to Redis.
set -euo pipefail
cd "$(dirname "$0")/.."

exec celery -A config worker \
  --loglevel "${CELERY_LOG_LEVEL:-info}" \
  --concurrency "${CELERY_WORKER_CONCURRENCY:-2}"
