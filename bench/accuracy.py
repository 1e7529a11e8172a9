"""Date and lead-image accuracy of ingest's page step on held-out publisher pages (#13).

    .venv/bin/python bench/accuracy.py [--limit N] [--spot N --seed S]

Each page goes through extract_article() (as the pipeline calls it) and then images.choose()
with a feed entry that names no picture, so the lead image is the page's as ingest stores it.

Dates (published, as stored: an aware UTC datetime):
- trafilatura-eval, pages whose evaldata states a date (ground truth): coverage (a date
  found), exact day, within one day (a time zone moving the UTC day), each over the pages
  with a date found and over all pages; split by where ours came from (stated in JSON-LD /
  article:published_time, or trafilatura's htmldate guess).
- zyte states no dates. Proxy, not ground truth: pages whose URL holds a full /YYYY/MM/DD/
  date, compared the same way (a URL's date is the first publication's; an update may differ).
Lead images: neither set has a ground truth for images. Coverage, and how many are safe
absolute http(s) URLs (no credentials, no whitespace). --spot N prints, for N pages drawn
with --seed from each set, what the page states (og:image, twitter:image, JSON-LD image, first
figure) beside our choice, for a manual check (bench/RESULTS.md says what was judged).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from bylines import DATA  # the same data lookup (../shared or /tmp/shared), and django.setup()
from trafilatura.utils import load_html

from broadsheet.ingest import images
from broadsheet.ingest.errors import IngestError
from broadsheet.ingest.extract import Extracted, extract_article
from broadsheet.ingest.metadata import parse_date, stated_metadata
from broadsheet.ingest.models import Source
from broadsheet.ingest.parse import FeedEntry

_MODIFIED = re.compile(
    rb'(?:"dateModified"\s*:\s*"|(?:article:modified_time|og:updated_time)"\s+content=")(\d{4}-\d\d-\d\d)'
)
# A file name that says the picture is the site's stand-in, not the story's.
_GENERIC = re.compile(r"(?:default|placeholder|logo|blank|spacer|fallback)[^/]*$", re.IGNORECASE)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_]|$)")


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    url: str
    html: bytes
    date: str = ""  # the corpus's date, "" when it states none


def trafilatura_pages(limit: int | None) -> Iterator[Page]:
    root = DATA / "trafilatura-eval"
    data = json.loads((root / "evaldata.json").read_text())
    for url, item in sorted(data.items())[:limit]:
        path = root / "html" / f"{item['file']}.gz"
        if path.is_file():
            date = str(item.get("date") or "")[:10]
            yield Page(item["file"], url, gzip.decompress(path.read_bytes()), date if valid_day(date) else "")


def zyte_pages(limit: int | None) -> Iterator[Page]:
    root = DATA / "zyte-article-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text())
    for page_id, item in sorted(truth.items())[:limit]:
        html = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        yield Page(page_id, item["url"], html, url_date(item["url"]))


def valid_day(value: str) -> bool:
    """A real YYYY-MM-DD day (a few corpus dates are not: those pages count as undated)."""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def url_date(url: str) -> str:
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return ""
    try:
        return dt.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return ""


def extract(page: Page) -> Extracted | None:
    try:
        return extract_article(page.html, page.url)
    except IngestError:
        return None


def lead_url(extracted: Extracted | None, url: str) -> str:
    entry = FeedEntry(guid=url, url=url, title="")
    return images.choose(Source.Images.LINK, entry, extracted, headline="", publisher="").url


def safe_url(url: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and parts.username is None
        and not any(ch.isspace() for ch in url)
    )


def date_source(page: Page) -> str:
    tree = load_html(page.html)
    stated = stated_metadata(tree, page.url) if tree is not None else {}
    return "stated" if parse_date(stated.get("date", "")) else "guessed"


def score(pages: Iterator[Page], misses: bool = False) -> dict[str, float]:
    counts: dict[str, float] = {}

    def add(key: str, value: float = 1) -> None:
        counts[key] = counts.get(key, 0) + value

    for page in pages:
        extracted = extract(page)
        add("pages")
        add("extracted", extracted is not None)
        lead = lead_url(extracted, page.url)
        add("image_found", bool(lead))
        add("image_safe", bool(lead) and safe_url(lead))
        add("image_generic", bool(_GENERIC.search(urlsplit(lead).path)))
        published = extracted.published if extracted else None
        add("any_date", published is not None)
        if not page.date:
            continue
        add("dated")
        if published is None:
            continue
        source = date_source(page)
        gap = abs((published.date() - dt.date.fromisoformat(page.date)).days)
        if misses and gap:
            print(f"  miss ({source}): want {page.date}, got {published.isoformat()}  {page.url}")
        for prefix in ("", f"{source}_"):
            add(f"{prefix}date_found")
            add(f"{prefix}date_exact", gap == 0)
            add(f"{prefix}date_1day", gap <= 1)
        if gap > 1:
            add("date_off")
            modified = {m.decode() for m in _MODIFIED.findall(page.html)}
            add("date_off_truth_is_modified", page.date in modified)
    return counts


def table(name: str, counts: dict[str, float], dated_by: str) -> None:
    def share(part: str, whole: str) -> str:
        total = counts.get(whole, 0)
        return f"{counts.get(part, 0) / total:6.3f}" if total else "   n/a"

    print(f"{name}: {counts.get('pages', 0):.0f} pages, {counts.get('extracted', 0):.0f} extracted")
    print(f"  lead image found          {counts.get('image_found', 0):5.0f}  {share('image_found', 'pages')}")
    print(
        f"  ... safe absolute http(s) {counts.get('image_safe', 0):5.0f}  {share('image_safe', 'image_found')}"
    )
    print(
        f"  ... generic file name     {counts.get('image_generic', 0):5.0f}  (default/placeholder/logo/...)"
    )
    print(f"  a date found, all pages   {counts.get('any_date', 0):5.0f}  {share('any_date', 'pages')}")
    print(f"  pages with a known date   {counts.get('dated', 0):5.0f}  ({dated_by})")
    print(f"  date found (coverage)     {counts.get('date_found', 0):5.0f}  {share('date_found', 'dated')}")
    for key, label in (("date_exact", "exact day"), ("date_1day", "within 1 day")):
        print(
            f"  {label:13} where found {counts.get(key, 0):5.0f}  {share(key, 'date_found')}"
            f"   overall {share(key, 'dated')}"
        )
    print(
        f"  off by more than a day    {counts.get('date_off', 0):5.0f}, of which the truth is the page's"
        f" stated modified date: {counts.get('date_off_truth_is_modified', 0):.0f}"
    )
    for source in ("stated", "guessed"):
        print(
            f"  {source:8} dates {counts.get(f'{source}_date_found', 0):5.0f}:"
            f" exact {share(f'{source}_date_exact', f'{source}_date_found')},"
            f" within 1 day {share(f'{source}_date_1day', f'{source}_date_found')}"
        )


def stated_images(page: Page) -> dict[str, str]:
    """What the page states about its pictures, for the manual check."""
    tree = load_html(page.html)
    if tree is None:
        return {}
    meta = {
        (m.get("property") or m.get("name") or "").lower(): m.get("content") or ""
        for m in reversed(tree.xpath("//meta[@content]"))
    }
    ld = [
        re.findall(r'"image"\s*:\s*(\{[^}]*\}|\[[^\]]*\]|"[^"]*")', s.text_content())
        for s in tree.xpath('//script[@type="application/ld+json"]')
    ]
    figure = tree.xpath("string((//figure//img)[1]/@src)")
    first_img = tree.xpath("string((//article//img | //main//img)[1]/@src)")
    return {
        "og:image": meta.get("og:image", ""),
        "twitter:image": meta.get("twitter:image", "") or meta.get("twitter:image:src", ""),
        "json-ld image": " | ".join(str(x)[:200] for x in ld if x),
        "first figure img": str(figure),
        "first article img": str(first_img),
    }


def spot(pages: list[Page], n: int, seed: int) -> None:
    for page in random.Random(seed).sample(pages, min(n, len(pages))):
        print(f"\n== {page.name}\n   page: {page.url}")
        for key, value in stated_images(page).items():
            print(f"   {key:18} {value[:220]}")
        print(f"   {'OURS':18} {lead_url(extract(page), page.url)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int)
    parser.add_argument("--spot", type=int, default=0, help="pages per set to print for a manual check")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--misses", action="store_true", help="print each page whose date is off")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no data at {DATA}: nothing to score")
        return 0
    sets = (
        ("trafilatura-eval", trafilatura_pages, "ground truth: evaldata's date"),
        ("zyte", zyte_pages, "proxy: the URL's /YYYY/MM/DD/"),
    )
    if args.spot:
        for name, load, _ in sets:
            print(f"\n##### {name}: {args.spot} pages, seed {args.seed}")
            spot(list(load(args.limit)), args.spot, args.seed)
        return 0
    for name, load, dated_by in sets:
        table(name, score(load(args.limit), args.misses), dated_by)
    return 0


if __name__ == "__main__":
    sys.exit(main())
