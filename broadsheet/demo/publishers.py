"""The demo's fictional publishers, aggregated through the real ingest pipeline from shipped files.

Each publisher under `wire/<host>/` is a feed and its article pages as a publisher would serve
them (navigation, ad slots, JSON-LD, bylines, image credits). Dates in them are placeholders,
`{{ago:5h:iso}}`, filled in relative to the load so the stories are always recent; lead images
named `/media/<section>/<name>.jpg` are composed at load. A local mirror (core/mirror.py) serves
the lot as HTTP responses, and each publisher is added and polled with the same `sources add`
and `ingest --source` commands an operator runs: parse, extract, sanitise, dedupe,
categorise, copy images and publish are the pipeline's own. No socket is opened.

Afterwards the sources are paused (enabled off): their hosts exist only during the load, and a
poll of them later would fail. Stories already published stay.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import logging
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.management import call_command

from broadsheet.core import clock
from broadsheet.core.fetch import served_by
from broadsheet.core.mirror import Document, MirrorTransport
from broadsheet.demo import images

logger = logging.getLogger(__name__)

WIRE_DIR = Path(__file__).with_name("wire")
CONTENT_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
}
HTML_TYPE = "text/html; charset=utf-8"
PLACEHOLDER_RE = re.compile(r"\{\{ago:(\d+)h:(iso|rfc822|day|tag)\}\}")
IMAGE_RE = re.compile(r"https://([a-z0-9.-]+\.example)(/media/([a-z-]+)/[a-z0-9-]+\.jpg)")
GERMAN_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Publisher:
    host: str
    feed: str  # path of the feed on the host
    name: str
    mode: str  # Source.Mode: excerpt or full
    images: str  # Source.Images: none, link or copy

    @property
    def feed_url(self) -> str:
        return f"https://{self.host}{self.feed}"


# Images are copied or left out, never linked: a linked image would point readers' browsers at
# a host that does not exist.
PUBLISHERS: tuple[Publisher, ...] = (
    Publisher("harbourwire.example", "/rss.xml", "Harbour Wire", "full", "copy"),
    Publisher("lakeside-ledger.example", "/rss.xml", "The Lakeside Ledger", "excerpt", "none"),
    Publisher("northcoast-courier.example", "/atom.xml", "Northcoast Courier", "full", "copy"),
    Publisher("rheinblatt.example", "/rss.xml", "Rheinblatt", "full", "copy"),
)


@dataclass(frozen=True, slots=True)
class WireResult:
    sources: int  # added by this load
    articles: int  # stored by this load
    errors: int


def _date(when: dt.datetime, style: str) -> str:
    if style == "iso":
        return when.isoformat(timespec="seconds")
    if style == "rfc822":
        return email.utils.format_datetime(when.astimezone(dt.UTC), usegmt=True)
    if style == "tag":
        return f"{when.day}. {GERMAN_MONTHS[when.month - 1]} {when.year}"
    return f"{when.day} {when:%B %Y}"


def fill_dates(text: str, now: dt.datetime) -> str:
    """The placeholders `{{ago:<hours>h:<style>}}` as dates that many hours before `now`."""
    return PLACEHOLDER_RE.sub(lambda m: _date(now - dt.timedelta(hours=int(m.group(1))), m.group(2)), text)


def _url_path(relative: Path) -> str:
    path = "/" + relative.as_posix()
    return path.removesuffix("index.html") if relative.name == "index.html" else path


def documents(now: dt.datetime, root: Path = WIRE_DIR) -> dict[str, Document]:
    """Every publisher's files, dated relative to `now`, and the lead images they name."""
    served: dict[str, Document] = {}
    for host_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for file in sorted(p for p in host_dir.rglob("*") if p.is_file()):
            text = fill_dates(file.read_text(encoding="utf-8"), now)
            content_type = CONTENT_TYPES.get(file.name, HTML_TYPE)
            served[host_dir.name + _url_path(file.relative_to(host_dir))] = Document(
                text.encode(), content_type
            )
            for host, path, section in IMAGE_RE.findall(text):
                if host + path not in served:
                    picture = images.compose(section, zlib.crc32(path.encode()))
                    served[host + path] = Document(picture.data, "image/jpeg")
    return served


def load_publishers(now: dt.datetime | None = None, root: Path = WIRE_DIR) -> WireResult:
    """Add and poll each demo publisher not yet a source, through a local mirror; then pause it."""
    now = now or clock.now()
    # Looked up by name, not imported: demo and ingest sit side by side in the layers, and the
    # demo drives ingest only through its commands, as an operator would.
    source_model = apps.get_model("ingest", "Source")
    fetch_log = apps.get_model("ingest", "FetchLog")
    wanted = [p for p in PUBLISHERS if not source_model.objects.filter(feed_url=p.feed_url).exists()]
    if not wanted:
        return WireResult(0, 0, 0)
    sink = io.StringIO()  # the commands' own summaries; the result below says what happened
    transport = MirrorTransport(documents(now, root))
    added = []
    with served_by(transport):
        for publisher in wanted:
            call_command(
                "sources",
                "add",
                publisher.feed_url,
                f"--mode={publisher.mode}",
                f"--images={publisher.images}",
                f"--name={publisher.name}",
                stdout=sink,
            )
            source = source_model.objects.get(feed_url=publisher.feed_url)
            added.append(source.pk)
            call_command("ingest", f"--source={source.pk}", "--force", stdout=sink)
    # Paused without a reason: a reason would list them among the sources switched off for failing.
    source_model.objects.filter(pk__in=added).update(enabled=False, disabled_reason="")
    logs = fetch_log.objects.filter(source_id__in=added)
    stored = sum(log.new for log in logs)
    errors = sum(log.errors + (0 if log.ok else 1) for log in logs)
    logger.debug("Demo publishers: %s", sink.getvalue())
    return WireResult(len(added), stored, errors)
