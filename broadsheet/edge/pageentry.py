"""A stored page as one bytes value: a short text head (status, generation, ETag, expiry,
headers), a blank line, then the body as sent.

Why not a pickled dict (the format before): a hit unpickled the dict, its header tuples and
strings on every request. Bytes cost the cache nothing to (un)pickle and are read here with
one split; the WSGI fast path (edge/fastpath.py) then keeps the decoded page per process.
The first line names the format: a value in any other format (an older release's, or one
this code does not know) reads as no entry, so the page is rendered and stored again.
"""

from __future__ import annotations

from typing import NamedTuple

# The format's version, also in the page keys (pagecache.key_for): processes of an older
# release, still running during a rolling restart, never see a value they cannot read.
VERSION = 2
MAGIC = f"broadsheet-page/{VERSION}\n".encode()
# Header values are latin-1 text without line breaks (Django refuses anything else), and
# header names carry no colon, so one line per header and one blank line end the head.
_END_OF_HEAD = b"\n\n"


class PageEntry(NamedTuple):
    generation: str
    status: int
    etag: str
    expires: float  # time.time() after which the entry no longer counts
    headers: list[tuple[str, str]]
    body: bytes


def encode(entry: PageEntry) -> bytes:
    lines = [str(entry.status), entry.generation, entry.etag, repr(entry.expires)]
    lines.extend(f"{name}:{value}" for name, value in entry.headers)
    head = "\n".join(lines).encode("latin-1")
    return b"".join((MAGIC, head, _END_OF_HEAD, entry.body))


def decode(value: object) -> PageEntry | None:
    """The entry in `value`, or None when it is no entry in this format."""
    if not isinstance(value, bytes) or not value.startswith(MAGIC):
        return None
    end = value.find(_END_OF_HEAD, len(MAGIC))
    if end < 0:
        return None
    status, generation, etag, expires, *headers = value[len(MAGIC) : end].decode("latin-1").split("\n")
    return PageEntry(
        generation=generation,
        status=int(status),
        etag=etag,
        expires=float(expires),
        headers=[_header(line) for line in headers],
        body=value[end + len(_END_OF_HEAD) :],
    )


def _header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name, value
