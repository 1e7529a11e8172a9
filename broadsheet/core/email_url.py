"""BROADSHEET_EMAIL_URL: one setting naming how mail leaves, parsed into Django's EMAIL_* settings.

    smtp://host:port                  plain SMTP (port 25 by default)
    smtp+tls://user:pass@host:port    SMTP with STARTTLS (port 587 by default)
    smtp+ssl://user:pass@host:port    SMTP over TLS from the first byte (port 465 by default)
    console://                        print every message on the console (the default when unset)

Written here rather than taken from dj-email-url: it is a dozen lines over urllib, and that
package is unmaintained. A user name or password with reserved characters is percent-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"

_DEFAULT_PORTS = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}


@dataclass(frozen=True)
class EmailConfig:
    backend: str
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False

    @property
    def is_console(self) -> bool:
        return self.backend == CONSOLE_BACKEND


def parse(url: str) -> EmailConfig:
    """The settings `url` stands for; ValueError names what is wrong with it."""
    url = url.strip()
    if not url or url in ("console://", "console:"):
        return EmailConfig(backend=CONSOLE_BACKEND)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"scheme must be smtp, smtp+tls, smtp+ssl or console (got {scheme or url!r})")
    if not parts.hostname:
        raise ValueError(f"no host in {scheme}:// URL")
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError as exc:  # a port that is not a number, or out of range
        raise ValueError(f"bad port: {exc}") from None
    return EmailConfig(
        backend=SMTP_BACKEND,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=scheme == "smtp+tls",
        use_ssl=scheme == "smtp+ssl",
    )
