"""The ingest error hierarchy, drawn once so callers catch exactly what they mean.

IngestError
├── FetchError                 the network step failed
│   ├── BlockedURLError        scheme or address refused (SSRF guard)
│   ├── FetchTimeoutError      connect, read or total deadline passed
│   ├── TooLargeError          compressed or decompressed body over its cap
│   ├── TooManyRedirectsError  more than the redirect cap, or a loop
│   └── HTTPStatusError        a final status that is not 2xx or 304
│       └── BlockedByAntiBotError  …that is an anti-bot challenge page (antibot.py)
├── ParseError                 the bytes are not a feed we can read
├── ExtractError               the page gave no usable article
├── TooComplexError            an entry's HTML is too big or too deep to sanitise in bounded time
│                              (core.markup_cost.MarkupTooComplex, told as an ingest error)
└── SourceError                the operator's request cannot be done (no feed found)
    └── BadInputError          the operator's input is wrong (invalid URL, unknown section or
                               source): the CLI exits with status 2 for it
"""

from __future__ import annotations


class IngestError(Exception):
    """Anything that goes wrong while ingesting; recorded on the source, never fatal to a batch."""


class FetchError(IngestError):
    pass


class BlockedURLError(FetchError):
    pass


class FetchTimeoutError(FetchError):
    pass


class TooLargeError(FetchError):
    pass


class TooManyRedirectsError(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, message: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BlockedByAntiBotError(HTTPStatusError):
    def __init__(self, message: str, status: int, retry_after: float | None = None, *, vendor: str) -> None:
        super().__init__(message, status, retry_after)
        self.vendor = vendor


class ParseError(IngestError):
    pass


class ExtractError(IngestError):
    pass


class TooComplexError(IngestError):
    pass


class SourceError(IngestError):
    pass


class BadInputError(SourceError):
    pass
