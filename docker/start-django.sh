#!/usr/bin/env bash
# Web process: apply migrations, then serve Django with gunicorn on $PORT.
set -euo pipefail
cd "$(dirname "$0")/.."

python manage.py migrate --noinput

exec gunicorn config.wsgi:application \
  --bind "0.0.0.0:${PORT:-8000}" \
  --workers "${GUNICORN_WORKERS:-3}" \
  --timeout "${GUNICORN_TIMEOUT:-60}" \
  --worker-tmp-dir /dev/shm \
  --access-logfile - \
  --logger-class config.logging.GunicornLogger \
  --error-logfile -
