"""The ingest error hierarchy, drawn once so callers catch exactly what they mean.

IngestError
├── ParseError                 the bytes are not a feed we can read
├── ExtractError               the page gave no usable article
├── TooComplexError            an entry's HTML is too big or too deep to sanitise in bounded time
│                              (core.markup_cost.MarkupTooComplex, told as an ingest error)
└── SourceError                the operator's request cannot be done (no feed found)
    ├── BadInputError          the operator's input is wrong (invalid URL, unknown section or
    │                          source): the CLI exits with status 2 for it
    └── NothingToReextract     re-extraction asked of a source that keeps no page text

The network step's errors are core's (core/fetch_errors.py: FetchError and its kinds), since
the WordPress import fetches through the same guarded client; they are re-exported here, and
`FAILURES` is what an ingest step catches: either family. One kind is ingest's own:

HTTPStatusError (core)         a final status that is not 2xx or 304
└── BlockedByAntiBotError      …that is an anti-bot challenge page (antibot.py)
"""

from __future__ import annotations

from broadsheet.core.fetch_errors import (
    BlockedURLError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    TooLargeError,
    TooManyRedirectsError,
)


class IngestError(Exception):
    """Anything that goes wrong while ingesting; recorded on the source, never fatal to a batch."""


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


class NothingToReextract(SourceError):
    """The source keeps no page text (excerpt mode): its stories are the feed's summaries."""


class BlockedByAntiBotError(HTTPStatusError):
    def __init__(self, message: str, status: int, retry_after: float | None = None, *, vendor: str) -> None:
        super().__init__(message, status, retry_after)
        self.vendor = vendor


# Every failure of one source's poll or one entry: recorded, never fatal to a batch.
FAILURES: tuple[type[Exception], ...] = (IngestError, FetchError)

__all__ = [
    "FAILURES",
    "BadInputError",
    "BlockedByAntiBotError",
    "BlockedURLError",
    "ExtractError",
    "FetchError",
    "FetchTimeoutError",
    "HTTPStatusError",
    "IngestError",
    "NothingToReextract",
    "ParseError",
    "SourceError",
    "TooComplexError",
    "TooLargeError",
    "TooManyRedirectsError",
]
