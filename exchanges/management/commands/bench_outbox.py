"""Benchmark the outbox: a 10,000-recipient campaign through 2 worker processes.

Needs a real broker and a database a worker process can open, for example::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trilink REDIS_URL=redis://127.0.0.1:6379/0 \\
        python manage.py migrate && python manage.py bench_outbox

It starts a quiet SMTP sink (no logging per message) in a process of its own on loopback, sends
a campaign through ``celery worker --concurrency=2`` to it, sampling the memory of the two pool
processes, then measures a bare ``smtplib`` loop sending the same messages to the same sink, and
prints both rates, their ratio and the machine's load average beside them. The sink has its own
process, as a real mail server would, so the bare loop does not share an interpreter lock with
it. Everything it creates (people, campaign, outbox rows) is removed at the end.
"""

import logging
import multiprocessing
import os
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Max, Min

from accounts.models import User
from config.celery import app
from config.settings.env import BASE_DIR
from exchanges.enums import MailStatus, Role
from exchanges.models import Application, Campaign, Cohort, OutgoingMail
from exchanges.selectors.campaigns import campaign_audience
from exchanges.services.campaigns import campaign_send

DOMAIN = "bench.trilink.example"
# A country code no real person has, so the campaign's audience is exactly the benchmark's
# people and nobody else in the database receives anything.
BENCH_COUNTRY = "ZZ"


class _Handler:
    def __init__(self, counter):
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler API
        with self.counter.get_lock():
            self.counter.value += 1
        return "250 OK"


def _serve(port: int, counter, ready, stop) -> None:
    """The sink process: an aiosmtpd server that counts messages and logs nothing per message
    (aiosmtpd logs several INFO lines per connection and message on "mail.log")."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(_Handler(counter), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


class _Sink:
    """An SMTP sink in a process of its own; ``count`` is how many messages it accepted."""

    def __init__(self):
        # Forked before any thread of this process starts; the child uses no database.
        context = multiprocessing.get_context("fork")
        self._counter = context.Value("q", 0)
        self._ready = context.Event()
        self._stop = context.Event()
        self.port = _free_port()
        self._process = context.Process(
            target=_serve, args=(self.port, self._counter, self._ready, self._stop), daemon=True
        )

    @property
    def count(self) -> int:
        return self._counter.value

    def start(self) -> None:
        self._process.start()
        if not self._ready.wait(30):
            raise CommandError("The SMTP sink did not start.")

    def stop(self) -> None:
        self._stop.set()
        self._process.join(10)


def _load() -> str:
    """The 1-minute load average and the CPUs, to read the figures beside."""
    return f"{os.getloadavg()[0]:.1f}/{os.cpu_count()} CPUs"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Command(BaseCommand):
    help = "Send a campaign of N messages through 2 Celery worker processes and compare."

    def add_arguments(self, parser):
        parser.add_argument("--recipients", type=int, default=10_000)
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, recipients: int, concurrency: int, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError(
                "Set REDIS_URL (or CELERY_BROKER_URL): the benchmark needs a "
                "real broker and worker processes."
            )
        db = connection.settings_dict
        if db["ENGINE"].endswith("sqlite3") and "memory" in str(db["NAME"]):
            raise CommandError(
                "The workers need a database they can open: use PostgreSQL or an SQLite file."
            )
        cohort = Cohort.objects.select_related("program").first()
        if cohort is None:
            raise CommandError("Create a cohort first (python manage.py seed_demo).")
        sink = _Sink()
        sink.start()
        try:
            self._run(
                cohort=cohort,
                sink=sink,
                port=sink.port,
                recipients=recipients,
                concurrency=concurrency,
            )
        finally:
            sink.stop()
            self._clean_up()

    def _run(self, *, cohort, sink, port, recipients, concurrency):
        self.stdout.write(f"Creating {recipients} recipients…")
        User.objects.bulk_create(
            [
                User(
                    email=f"bench-{n:05d}@{DOMAIN}",
                    given_name="Bench",
                    family_name=str(n),
                    role=Role.APPLICANT,
                    country=BENCH_COUNTRY,
                    preferred_language=("en", "ja", "ko")[n % 3],
                )
                for n in range(recipients)
            ],
            batch_size=2000,
        )
        # The audience is people with an application to the campaign's cohort.
        Application.objects.bulk_create(
            [
                Application(applicant=user, cohort=cohort, country=BENCH_COUNTRY)
                for user in User.objects.filter(email__endswith=f"@{DOMAIN}")
            ],
            batch_size=2000,
        )
        campaign = Campaign.objects.create(
            cohort=cohort,
            name="Benchmark",
            audience_roles=[Role.APPLICANT],
            audience_countries=[BENCH_COUNTRY],
            subject_en="Benchmark for {{ recipient_name }}",
            body_en="Dear {{ recipient_name }},\n\nThis is a benchmark of " + "the outbox. " * 40,
        )

        queue = f"bench-{uuid.uuid4().hex[:6]}"
        worker = self._start_worker(queue=queue, port=port, concurrency=concurrency)

        app.conf.task_default_queue = queue
        try:
            before = sink.count
            load_before = _load()
            started = time.monotonic()
            campaign_send(campaign=Campaign.objects.get(pk=campaign.pk), actor=None)
            samples: dict[int, list[int]] = {}
            target = before + self._audience_size(campaign)
            while sink.count < target and time.monotonic() - started < 900:
                for child in _children(worker.pid):
                    samples.setdefault(child, []).append(_rss_kb(child))
                time.sleep(0.1)
            elapsed = time.monotonic() - started
            load_pipeline = f"{load_before} -> {_load()}"
        finally:
            worker.terminate()
            worker.wait(30)
            self._forget_queue(queue)
        sent = sink.count - before
        rate = sent / elapsed
        span = OutgoingMail.objects.filter(campaign=campaign).aggregate(
            first=Min("created_at"), last=Max("created_at")
        )
        load_before = _load()
        bare_rate = self._bare_loop(port=port, campaign=campaign)
        load_bare = f"{load_before} -> {_load()}"
        self.stdout.write(
            f"bare smtplib loop, same {sent:,} messages: {bare_rate:,.0f} messages/s "
            f"(load average {load_bare})"
        )
        self.stdout.write(
            f"outbox pipeline, {concurrency} worker processes: {sent:,} messages in "
            f"{elapsed:.1f} s = {rate:,.0f} messages/s (load average {load_pipeline})"
        )
        self.stdout.write(f"pipeline / bare loop: {rate / bare_rate:.0%}")
        if span["first"] is not None:
            self.stdout.write(
                f"  of which rendering and queueing the rows took "
                f"{(span['last'] - span['first']).total_seconds():.1f} s (one worker, "
                f"while the other sends)"
            )
        for pid, values in samples.items():
            self.stdout.write(
                f"worker process {pid}: RSS start {values[0] / 1024:.1f} MiB, "
                f"peak {max(values) / 1024:.1f} MiB, "
                f"end {values[-1] / 1024:.1f} MiB"
            )
        statuses = dict(
            OutgoingMail.objects.filter(campaign=campaign)
            .values_list("status")
            .order_by()
            .annotate(n=Count("id"))
        )
        self.stdout.write(f"rows by status: {statuses}")
        if statuses.get(MailStatus.SENT) != sent:
            self.stdout.write(self.style.WARNING("Not every row is marked sent."))

    def _audience_size(self, campaign) -> int:
        return campaign_audience(campaign=campaign).count()

    def _bare_loop(self, *, port, campaign) -> float:
        """Send the very messages the outbox rendered (text and HTML) over one connection."""
        rows = OutgoingMail.objects.filter(campaign=campaign).values_list(
            "recipient_email", "subject", "text_body", "html_body", "message_id"
        )
        count = 0
        started = time.monotonic()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for email, subject, text, html, message_id in rows.iterator(chunk_size=1000):
                message = EmailMessage()
                message["Subject"] = subject
                message["From"] = settings.DEFAULT_FROM_EMAIL
                message["To"] = email
                message["Message-ID"] = message_id
                message.set_content(text)
                message.add_alternative(html, subtype="html")
                smtp.send_message(message)
                count += 1
        return count / (time.monotonic() - started)

    def _start_worker(self, *, queue, port, concurrency) -> subprocess.Popen:
        env = {
            **os.environ,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "DJANGO_DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }
        worker = subprocess.Popen(  # noqa: S603 -- fixed arguments, this interpreter
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
                "WARNING",
                "-n",
                f"{queue}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
        )
        deadline = time.monotonic() + 30
        while len(_children(worker.pid)) < concurrency and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        return worker

    def _forget_queue(self, queue: str) -> None:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()

    def _clean_up(self):
        campaigns = list(Campaign.objects.filter(name="Benchmark").values_list("id", flat=True))
        OutgoingMail.objects.filter(campaign_id__in=campaigns).delete()
        # The campaign's activity-log rows stay: the log is append-only, and they truthfully
        # record that a benchmark campaign ran.
        Campaign.objects.filter(pk__in=campaigns).delete()
        Application.objects.filter(applicant__email__endswith=f"@{DOMAIN}").delete()
        User.objects.filter(email__endswith=f"@{DOMAIN}").delete()
