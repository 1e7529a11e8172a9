"""The outbound fetch's errors (core.fetch), drawn once so callers catch exactly what they mean.

FetchError                 the network step failed
├── BlockedURLError        scheme or address refused (SSRF guard)
├── FetchTimeoutError      connect, read or total deadline passed
├── TooLargeError          compressed or decompressed body over its cap
├── TooManyRedirectsError  more than the redirect cap, or a loop
└── HTTPStatusError        a final status that is not 2xx or 304
"""

from __future__ import annotations


class FetchError(Exception):
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
