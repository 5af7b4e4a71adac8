"""Real infrastructure for the outbox integration tests: Celery worker processes, Redis and an
SMTP server on loopback.

They run when REDIS_URL is set and the database is one a second process can open (PostgreSQL,
or SQLite in a file); CI's PostgreSQL + Redis job runs them with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/trilink REDIS_URL=redis://127.0.0.1:6379/0
pytest -m integration``. Every process a test starts is stopped by its fixture.
"""

import asyncio
import email
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection
from kombu import pools as kombu_pools

from config.celery import app
from exchanges.dispatch import dispatch_breaker_reset

BASE_DIR = Path(__file__).resolve().parents[2]
logging.getLogger("mail.log").setLevel(logging.WARNING)
# The worker and the test's sweeper share these, so "abandoned" means a few seconds here.
FAST_OUTBOX = {
    "OUTBOX_RETRY_BASE_SECONDS": "0.5",
    "OUTBOX_CLAIM_TIMEOUT_SECONDS": "3",
    "OUTBOX_REDISPATCH_SECONDS": "3",
    "OUTBOX_SEND_BATCH": "20",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/integration/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.integration)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.1, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(message or "condition not met in time")


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip(
            "REDIS_URL is not set: the outbox integration tests need a real Redis "
            "(CI sets REDIS_URL=redis://127.0.0.1:6379/0)."
        )
    return url


@pytest.fixture
def database_url(transactional_db):
    """A URL for the test database that another process can open."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    name = str(db["NAME"])
    if db["ENGINE"] == "django.db.backends.sqlite3" and "memory" not in name and name:
        return f"sqlite:///{name}"
    pytest.skip(
        "The worker process cannot open an in-memory SQLite database: run with "
        "DATABASE_URL=postgres://... (as CI does)."
    )
    return ""


@dataclass
class Received:
    rcpt: str
    message_id: str
    at: float


@dataclass
class SmtpHandler:
    """Records each delivered message; ``scripts`` maps a recipient to replies to give first."""

    received: list[Received] = field(default_factory=list)
    scripts: dict[str, list[str]] = field(default_factory=dict)
    attempts: dict[str, list[float]] = field(default_factory=dict)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        rcpt = envelope.rcpt_tos[0]
        now = time.monotonic()
        with self.lock:
            self.attempts.setdefault(rcpt, []).append(now)
            script = self.scripts.get(rcpt)
            if script:
                reply = script.pop(0) if len(script) > 1 else script[0]
                if not reply.startswith("250"):
                    return reply
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.received.append(Received(rcpt, message["Message-ID"], time.monotonic()))
        return "250 Message accepted for delivery"

    def count(self, rcpt: str | None = None) -> int:
        with self.lock:
            return sum(1 for item in self.received if rcpt is None or item.rcpt == rcpt)


@pytest.fixture
def smtp_server():
    handler = SmtpHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def broker(redis_url, monkeypatch, settings):
    """Point this process's Celery app at a real broker on a queue of its own."""
    queue = f"trilink-test-{uuid.uuid4().hex[:8]}"
    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }

    def use(url: str):
        app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
        _fresh_pools(app)

    use(redis_url)
    for name, value in FAST_OUTBOX.items():
        setattr(settings, name, float(value) if "." in value or "SECONDS" in name else int(value))
    dispatch_breaker_reset()
    yield type("Broker", (), {"url": redis_url, "queue": queue, "use": staticmethod(use)})
    app.conf.update(saved)
    _fresh_pools(app)
    forget_queue(redis_url, queue)


def forget_queue(url: str, queue: str) -> None:
    """Remove what the test's queue left in Redis, including messages a killed worker held."""
    client = redis.Redis.from_url(url, socket_timeout=2)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    for tag, payload in client.hgetall("unacked").items():
        try:
            routing_key = json.loads(payload)[0]["properties"]["delivery_info"]["routing_key"]
        except (ValueError, KeyError, IndexError, TypeError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.close()


def _fresh_pools(app):
    """Drop every cached broker connection, as a newly started web process would have none."""
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    def __init__(
        self,
        *,
        broker_url: str,
        queue: str,
        database_url: str,
        smtp_port: int,
        concurrency: int = 2,
    ):
        env = {
            **os.environ,
            **FAST_OUTBOX,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": broker_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "LOG_LEVEL": "WARNING",
        }
        self.output: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                queue,
                f"--concurrency={concurrency}",
                "--pool=prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
                "-n",
                f"{queue}-{uuid.uuid4().hex[:4]}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(30):
            self.stop()
            raise AssertionError("Celery worker did not start:\n" + "".join(self.output[-40:]))

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line)
            if " ready." in line:
                self.ready.set()

    def kill(self):
        """SIGKILL the worker and its pool processes at once, like a lost machine."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(database_url, smtp_server, broker):
    workers: list[Worker] = []

    def start(broker_url: str | None = None, concurrency: int = 2) -> Worker:
        worker = Worker(
            broker_url=broker_url or broker.url,
            queue=broker.queue,
            database_url=database_url,
            smtp_port=smtp_server[0].port,
            concurrency=concurrency,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def own_redis():
    """A redis-server of this test's own on a free port, so it can be paused (SIGSTOP)
    without touching the machine's Redis."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed; it is needed to pause a broker.")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(lambda: _accepts(port), timeout=10, message="redis-server did not start")
    yield type("OwnRedis", (), {"url": f"redis://127.0.0.1:{port}/0", "process": process})
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(10)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
