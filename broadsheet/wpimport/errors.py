"""The WordPress import's errors.

WpImportError
└── WxrError      the file is not a WordPress export we can read safely (malformed XML,
                  a DTD or entity declarations, no WXR namespace)
"""

from __future__ import annotations


class WpImportError(Exception):
    """Anything that stops an import as a whole; a failing item is only a warning."""


class WxrError(WpImportError):
    pass
