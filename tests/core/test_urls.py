"""core/urls.py: `safe_http_url`, the one check every outside URL passes. No DB."""

from __future__ import annotations

import pytest

from broadsheet.core.urls import safe_http_url

BASE = "https://news.example/feeds/rss.xml"

# (value, without a base, with BASE as the base)
CASES = [
    # Ordinary http(s) URLs pass as they are.
    ("https://news.example/a/b?c=1#d", "https://news.example/a/b?c=1#d", "https://news.example/a/b?c=1#d"),
    ("http://127.0.0.1:8000/x", "http://127.0.0.1:8000/x", "http://127.0.0.1:8000/x"),
    ("http://[2001:db8::1]/x", "http://[2001:db8::1]/x", "http://[2001:db8::1]/x"),
    # The scheme is lower-cased; surrounding whitespace and controls go.
    ("HTTPS://News.Example/A", "https://News.Example/A", "https://News.Example/A"),
    ("  https://news.example/a \n", "https://news.example/a", "https://news.example/a"),
    ("\x00\x1f https://news.example/a", "https://news.example/a", "https://news.example/a"),
    # Spaces left inside the path are percent-encoded; tabs and newlines dropped (as browsers do).
    ("https://news.example/a b", "https://news.example/a%20b", "https://news.example/a%20b"),
    ("https://news.example/a\tb\nc", "https://news.example/abc", "https://news.example/abc"),
    # Character references are left alone in a URL that is http(s) anyway ("&copy=" is a query).
    (
        "https://news.example/?a=1&copy=2",
        "https://news.example/?a=1&copy=2",
        "https://news.example/?a=1&copy=2",
    ),
    (
        "https://news.example/?a=1&amp;b=2",
        "https://news.example/?a=1&amp;b=2",
        "https://news.example/?a=1&amp;b=2",
    ),
    # javascript:, however it is spelled.
    ("javascript:alert(document.domain)//", "", ""),
    ("JaVaScRiPt:alert(1)", "", ""),
    ("   javascript:alert(1)", "", ""),
    ("\x01\x02javascript:alert(1)", "", ""),
    ("\u00a0\u3000javascript:alert(1)", "", ""),
    ("java\tscript:alert(1)", "", ""),
    ("java\nscript:alert(1)", "", ""),
    ("java\r\nscript:alert(1)", "", ""),
    ("jav\tas\ncript:alert(1)", "", ""),
    ("&#106;avascript:alert(1)", "", ""),
    ("&#x6A;avascript:alert(1)", "", ""),
    ("&#X6a;avascript&#x3A;alert(1)", "", ""),
    ("&#0000106avascript:alert(1)", "", ""),
    ("java&#x09;script:alert(1)", "", ""),
    ("java&#9;script:alert(1)", "", ""),
    ("java&Tab;script:alert(1)", "", ""),
    ("java&NewLine;script:alert(1)", "", ""),
    ("javascript&colon;alert(1)", "", ""),
    ("&amp;#106;avascript:alert(1)", "", ""),
    ("&amp;amp;#106;avascript:alert(1)", "", ""),
    # The other schemes that run or carry content.
    ("vbscript:msgbox(1)", "", ""),
    (" VBScript:msgbox(1)", "", ""),
    ("data:text/html,<script>alert(1)</script>", "", ""),
    ("DATA:image/svg+xml;base64,PHN2Zz4=", "", ""),
    ("d&#97;ta:image/png;base64,AAAA", "", ""),
    ("blob:https://news.example/uuid", "", ""),
    ("file:///etc/passwd", "", ""),
    ("mailto:desk@news.example", "", ""),
    ("ftp://news.example/a", "", ""),
    # An http scheme spelled with references is never honest either.
    ("&#104;ttps://news.example/a", "", ""),
    # http(s) with no host, or a host no parser accepts.
    ("http://", "", ""),
    ("https://", "", ""),
    ("http:///path", "", ""),
    ("http:path", "", ""),
    ("https:/news.example/a", "", ""),
    ("http://:80/", "", ""),
    ("http://news example/a", "", ""),
    ("http://[::1/", "", ""),
    ("http://news.example:99999/", "", ""),
    # Protocol-relative and relative URLs need a base, and take its scheme.
    ("//cdn.example/x.jpg", "", "https://cdn.example/x.jpg"),
    ("/img/a.jpg", "", "https://news.example/img/a.jpg"),
    ("img/a.jpg", "", "https://news.example/feeds/img/a.jpg"),
    ("../a.html", "", "https://news.example/a.html"),
    ("?page=2", "", "https://news.example/feeds/rss.xml?page=2"),
    # A relative URL whose text only looks like a scheme after decoding is refused.
    ("x&#58;y", "", ""),
    # Nothing at all.
    ("", "", ""),
    ("   ", "", ""),
]


@pytest.mark.parametrize(("value", "alone", "based"), CASES)
def test_safe_http_url(value, alone, based):
    assert safe_http_url(value) == alone
    assert safe_http_url(value, BASE) == based


@pytest.mark.parametrize(("value", "_alone", "based"), CASES)
def test_the_answer_is_its_own_answer(value, _alone, based):
    assert safe_http_url(based) == based


@pytest.mark.parametrize(
    "value", [None, 42, ["https://news.example/a"], {"url": "https://news.example/a"}, b"https://x/"]
)
def test_values_that_are_not_strings_give_nothing(value):
    assert safe_http_url(value, BASE) == ""


@pytest.mark.parametrize(
    "base", ["javascript:alert(1)", "data:text/html,x", "/relative/base", "", None, "http://"]
)
def test_an_unsafe_base_resolves_nothing(base):
    assert safe_http_url("/a.jpg", base) == ""
    assert safe_http_url("https://news.example/a.jpg", base) == "https://news.example/a.jpg"
