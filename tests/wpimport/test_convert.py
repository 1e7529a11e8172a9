"""Content conversion: block comments, wpautop, shortcodes and sanitising, table-driven."""

from __future__ import annotations

import pytest

from broadsheet.wpimport.convert import (
    autop,
    convert_content,
    plain_text,
    replace_shortcodes,
    strip_block_comments,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("One\n\nTwo", "<p>One</p>\n<p>Two</p>"),
        ("Line one\nline two", "<p>Line one<br />\nline two</p>"),
        ("Intro\n<ul>\n<li>a</li>\n</ul>\nOutro", "<p>Intro</p>\n<ul>\n<li>a</li>\n</ul>\n<p>Outro</p>"),
        ("<blockquote>Quoted</blockquote>\nAfter", "<blockquote>Quoted</blockquote>\n<p>After</p>"),
        ("<pre>keep\n\nthis</pre>", "<pre>keep\n\nthis</pre>"),
        ("<h2>Head</h2>\nBody", "<h2>Head</h2>\n<p>Body</p>"),
        ("a<br><br>b", "<p>a</p>\n<p>b</p>"),
        ("   ", ""),
        ("One\r\n\r\nTwo", "<p>One</p>\n<p>Two</p>"),
    ],
)
def test_autop(raw: str, expected: str) -> None:
    assert autop(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->", "\n<p>x</p>\n"),
        ('<!-- wp:heading {"level":3} --><h3>x</h3><!-- /wp:heading -->', "<h3>x</h3>"),
        ('<!-- wp:spacer {"height":"20px"} /-->', ""),
        (
            "<!-- wp:core/quote --><blockquote>q</blockquote><!-- /wp:core/quote -->",
            "<blockquote>q</blockquote>",
        ),
        ("<!-- an ordinary comment -->", "<!-- an ordinary comment -->"),
    ],
)
def test_strip_block_comments(raw: str, expected: str) -> None:
    assert strip_block_comments(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected", "warnings"),
    [
        (
            '[caption id="a1" width="300"]<img src="https://x.example/a.jpg" alt="A"> A caption[/caption]',
            '<figure><img src="https://x.example/a.jpg" alt="A"><figcaption>A caption</figcaption></figure>',
            [],
        ),
        (
            '[caption caption="Old style"]<a href="https://x.example/"><img src="https://x.example/b.jpg"></a>[/caption]',
            '<figure><a href="https://x.example/"><img src="https://x.example/b.jpg"></a>'
            "<figcaption>Old style</figcaption></figure>",
            [],
        ),
        ('a [gallery ids="1,2"] b', "a  b", ["shortcode [gallery] removed"]),
        ('[audio src="https://x.example/a.mp3"]', "", ["shortcode [audio] removed"]),
        ('[video mp4="https://x.example/v.mp4"][/video]', "", ["shortcode [video] removed"]),
        ("[playlist ids='1']", "", ["shortcode [playlist] removed"]),
        (
            "[embed]https://video.example/1[/embed]",
            '<p><a href="https://video.example/1">https://video.example/1</a></p>',
            ["shortcode [embed] removed (kept as a link)"],
        ),
        ("[pullquote]Kept words[/pullquote]", "Kept words", ["unknown shortcode [pullquote] removed"]),
        ('[contact-form id="3" /]', "", ["unknown shortcode [contact-form] removed"]),
        ("[sic] and [1] and [Note: x]", "[sic] and [1] and [Note: x]", []),
        ("[[gallery]]", "[gallery]", []),
    ],
)
def test_replace_shortcodes(raw: str, expected: str, warnings: list[str]) -> None:
    assert replace_shortcodes(raw) == (expected, warnings)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Block editor content is finished HTML: no auto-paragraphs, only the delimiters go.
        ("<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->", "<p>One\ntwo</p>"),
        # Classic content: paragraphs, the read-more marker splits like a blank line.
        ("First<!--more-->Second", "<p>First</p>\n<p>Second</p>"),
        ("Page one<!--nextpage-->Page two", "<p>Page one</p>\n<p>Page two</p>"),
        # A caption stays one figure, never wrapped in a paragraph.
        (
            'Intro\n\n[caption]<img src="https://x.example/a.jpg"> Cap[/caption]\n\nAfter',
            '<p>Intro</p>\n<figure><img src="https://x.example/a.jpg"><figcaption>Cap</figcaption></figure>'
            "\n<p>After</p>",
        ),
        # Hostile markup: scripts, handlers, javascript: URLs and iframes are gone.
        (
            '<p onclick="x()">Hi <a href="javascript:alert(1)">there</a></p><script>alert(1)</script>'
            '<iframe src="https://evil.example/"></iframe>',
            '<p>Hi <a rel="noopener noreferrer">there</a></p>',
        ),
        ("", ""),
    ],
)
def test_convert_content(raw: str, expected: str) -> None:
    assert convert_content(raw).html == expected


def test_convert_content_reports_removed_shortcodes() -> None:
    converted = convert_content('Text [gallery ids="1"] and [unknownthing a="b"]')
    assert converted.warnings == ("shortcode [gallery] removed", "unknown shortcode [unknownthing] removed")
    assert "gallery" not in converted.html and "unknownthing" not in converted.html


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Title With <b>Markup</b>", "Title With Markup"),
        ("Fish &amp; chips", "Fish & chips"),
        ("<p>Two\n lines</p>", "Two lines"),
        ("", ""),
    ],
)
def test_plain_text(raw: str, expected: str) -> None:
    assert plain_text(raw) == expected
