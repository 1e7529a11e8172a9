"""Language codes as pages print them: the primary subtag, and which way its script runs."""

from __future__ import annotations

import re

# Languages written right to left in their usual script (Arabic, Hebrew, Thaana, Syriac, N'Ko
# and Adlam scripts): Arabic, Urdu, Persian, Pashto, Sindhi, Kurdish (Sorani), Uyghur, Hebrew,
# Yiddish, Dhivehi, Syriac, N'Ko.
RTL_LANGUAGES = frozenset(
    {"ar", "arz", "ckb", "dv", "fa", "he", "iw", "ks", "nqo", "ps", "sd", "syr", "ug", "ur", "yi"}
)
_CODE_RE = re.compile(r"^[a-z]{2,3}$")


def primary_code(tag: str) -> str:
    """ "de-DE", "en_GB", " FR " -> "de", "en", "fr"; "" for what is no language tag."""
    code = re.split(r"[-_]", (tag or "").strip().lower(), maxsplit=1)[0]
    return code if _CODE_RE.match(code) else ""


def direction(code: str) -> str:
    """ "rtl" or "ltr" for a language code."""
    return "rtl" if primary_code(code) in RTL_LANGUAGES else "ltr"
