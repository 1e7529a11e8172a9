"""A newsletter issue to N subscribers (100,000 by default) through a real SMTP sink on loopback.

    nice -n 19 .venv/bin/python bench/newsletter.py [--subscribers 100000] [--results]

A fresh SQLite data directory under /var/tmp/broadsheet-bench/newsletter (migrated, then N
confirmed subscribers bulk-inserted), an aiosmtpd server in this process counting what it
accepted per recipient, and the send in a separate worker process (`broadsheet newsletter
send-issue`, the worker's own code path) configured through BROADSHEET_EMAIL_URL. The worker is
killed with SIGKILL once the sink has accepted half the issue, at whatever point it is; a
second worker resumes once the dead one's lease ran out. Reported: the time of each part and
messages a second, each worker's peak RSS (VmHWM), and per recipient how many copies arrived:
duplicates and missed must both be 0. --results appends the table to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
DATA = Path(os.environ.get("BENCH_DATA_ROOT", "/var/tmp/broadsheet-bench")) / "newsletter"
LEASE_SECONDS = 5

WORKER = (
    "import sys, django; django.setup(); from django.core.management import call_command; "
    "call_command('newsletter', 'send-issue', sys.argv[1])"
)


class CountingSink:
    """Counts accepted messages per recipient; parses nothing (the sink must not be the bottleneck)."""

    def __init__(self) -> None:
        self.per_recipient: collections.Counter[str] = collections.Counter()
        self.total = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.per_recipient[rcpt] += 1
            self.total += 1
        return "250 2.0.0 OK"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def configure() -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings.dev",
        "BROADSHEET_DATA_DIR": str(DATA),
        "DATABASE_URL": f"sqlite:///{DATA / 'broadsheet.sqlite3'}",
        "BROADSHEET_SITE_URL": "https://news.example",
        "BROADSHEET_NEWSLETTER_LEASE_SECONDS": str(LEASE_SECONDS),
        "BROADSHEET_NEWSLETTER_BATCH": "200",
    }
    os.environ.update(env)
    return env


def fill(n: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from broadsheet.audience import sending
    from broadsheet.audience.models import Issue, Subscriber, Subscription
    from broadsheet.core import clock

    call_command("migrate", verbosity=0)
    now = clock.now()
    chunk = 5000
    for start in range(0, n, chunk):
        made = Subscriber.objects.bulk_create(
            [
                Subscriber(email=f"reader{i:06d}@example.org", confirmed_at=now)
                for i in range(start, min(n, start + chunk))
            ]
        )
        Subscription.objects.bulk_create([Subscription(subscriber_id=s.pk, list_key="daily") for s in made])
    stories = "".join(
        f"<h2><a href='https://news.example/business/story-{i}/'>Story {i} of the day</a></h2><p>{'Words. ' * 40}</p>"
        for i in range(10)
    )
    issue = Issue.objects.create(
        list_key="daily",
        subject="The daily digest: bench",
        html=f"<html><body>{stories}<p><a href='%%UNSUBSCRIBE_URL%%'>Unsubscribe</a></p></body></html>",
        text=f"{'Story of the day. ' * 200}\n-- \nUnsubscribe: %%UNSUBSCRIBE_URL%%\n",
    )
    sending.start(issue)
    return issue.pk


def peak_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_worker(
    env: dict[str, str], issue_id: int, sink: CountingSink, kill_at: int | None
) -> tuple[float, int, bool]:
    started = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(issue_id)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    peak = 0
    killed = False
    while worker.poll() is None:
        peak = max(peak, peak_rss_kb(worker.pid))
        if kill_at is not None and sink.total >= kill_at:
            worker.send_signal(signal.SIGKILL)
            killed = True
            worker.wait()
            break
        time.sleep(0.02)
    return time.perf_counter() - started, peak, killed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--results", action="store_true")
    args = parser.parse_args()
    n = args.subscribers

    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True)
    env_extra = configure()
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command

    fill_started = time.perf_counter()
    issue_id = fill(n)
    log(f"{n} subscribers and their deliveries in {time.perf_counter() - fill_started:.1f} s")

    sink = CountingSink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = dict(os.environ, **env_extra, BROADSHEET_EMAIL_URL=f"smtp://127.0.0.1:{port}")
    try:
        first_s, first_rss, killed = run_worker(env, issue_id, sink, kill_at=n // 2)
        at_kill = sink.total
        log(
            f"worker 1 killed={killed} after {first_s:.1f} s, {at_kill} accepted, peak RSS {first_rss / 1024:.0f} MB"
        )
        time.sleep(LEASE_SECONDS + 0.5)
        second_s, second_rss, _ = run_worker(env, issue_id, sink, kill_at=None)
        log(f"worker 2 finished in {second_s:.1f} s, peak RSS {second_rss / 1024:.0f} MB")
    finally:
        controller.stop()

    from broadsheet.audience.models import Delivery

    duplicates = sum(1 for c in sink.per_recipient.values() if c > 1)
    missed = n - len(sink.per_recipient)
    sent_rows = Delivery.objects.filter(state=Delivery.State.SENT).count()
    rate = n / (first_s + second_s)
    log(f"duplicates {duplicates}, missed {missed}, sent rows {sent_rows}, {rate:.0f} msg/s")
    if args.results:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        table = (
            f"\n### {n:,} subscribers, SQLite, SMTP sink on loopback — {stamp}\n\n"
            "`nice -n 19 .venv/bin/python bench/newsletter.py --results` (2 shared cores; one worker at a time)\n\n"
            "| part | wall s | messages | msg/s | worker peak RSS |\n|---|---|---|---|---|\n"
            f"| worker 1 (SIGKILL at half) | {first_s:.1f} | {at_kill:,} | {at_kill / first_s:.0f} | {first_rss / 1024:.0f} MB |\n"
            f"| worker 2 (resumes after the {LEASE_SECONDS} s lease) | {second_s:.1f} | {n - at_kill:,} | "
            f"{(n - at_kill) / second_s:.0f} | {second_rss / 1024:.0f} MB |\n"
            f"| whole issue (sending time) | {first_s + second_s:.1f} | {n:,} | {rate:.0f} | |\n\n"
            f"Per recipient at the sink: **{duplicates} duplicates, {missed} missed**; {sent_rows:,} delivery rows "
            "marked sent.\n"
        )
        with RESULTS.open("a") as out:
            if "## Newsletter send" not in RESULTS.read_text():
                out.write("\n## Newsletter send\n")
            out.write(table)


if __name__ == "__main__":
    main()
