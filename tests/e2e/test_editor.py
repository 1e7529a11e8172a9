"""The article editor in Chromium: what Word and Google Docs paste comes out clean, the word
count follows the typing, a library image reaches the public page as a <picture> with srcset,
Preview works before the first save, and a contributor submits for review without a Publish
button. Every page is checked for script errors and CSP violations.

Set E2E_SCREENSHOT_DIR to keep the editor's screenshot (docs/img/admin-editor.png was taken so).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from broadsheet.core import clock
from broadsheet.media import services as media_services
from broadsheet.newsroom import roles
from broadsheet.newsroom.models import Article, Section
from tests.e2e.test_site import Watch, watch
from tests.media.conftest import halves

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"

# What Word puts on the clipboard (trimmed): conditional comments, mso- styles, spans, o:p,
# a SpellE class, a list paragraph with its bullet glyph, and a picture from a temp folder.
WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"><head><meta name=Generator content="Microsoft Word 15">
<style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm; font-size:11.0pt;} --></style></head>
<body lang=EN-GB style='tab-interval:36.0pt'><!--StartFragment-->
<p class=MsoNormal style='margin-bottom:0cm;line-height:normal'><b><span
style='font-size:14.0pt;mso-bidi-font-family:Calibri'>Ferry fares</span></b><span
style='mso-spacerun:yes'> </span>rise <i style='mso-bidi-font-style:normal'>again</i><o:p></o:p></p>
<h1 style='mso-margin-top-alt:auto'><span class=SpellE>Council</span> vote</h1>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='font-family:Symbol;mso-fareast-font-family:Symbol'><span style='mso-list:Ignore'>·<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span></span><![endif]>Fares rise in May<o:p></o:p></p>
<p class=MsoNormal><img width=200 height=100
src="file:///C:/Users/mara/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png"
v:shapes="Picture_x0020_1">See <a href="https://example.com/fares"><span style='color:#0563C1'>the fares
table</span></a>.<o:p></o:p></p>
<!--EndFragment--></body></html>"""

# What Google Docs puts on the clipboard: everything inside <b style="font-weight:normal"
# id="docs-internal-guid-…">, bold and italic as span styles, lists with aria-level.
DOCS_HTML = """<meta charset="utf-8"><b style="font-weight:normal;"
id="docs-internal-guid-5a1e2b3c-7fff-4b0a-9d1e-0123456789ab"><p dir="ltr"
style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;"><span style="font-size:11pt;font-family:Arial,sans-serif;
color:#000000;background-color:transparent;font-weight:700;font-style:normal;font-variant:normal;
text-decoration:none;vertical-align:baseline;white-space:pre;white-space:pre-wrap;">Harbour</span><span
style="font-size:11pt;font-family:Arial,sans-serif;color:#000000;background-color:transparent;font-weight:400;
font-style:normal;white-space:pre-wrap;"> lights go </span><span style="font-size:11pt;font-family:Arial,
sans-serif;font-weight:400;font-style:italic;white-space:pre-wrap;">dark</span></p><h2 dir="ltr"
style="line-height:1.38;margin-top:18pt;margin-bottom:6pt;"><span style="font-size:16pt;font-family:Arial,
sans-serif;font-weight:400;white-space:pre-wrap;">Tide table</span></h2><ul style="margin-top:0;margin-bottom:0;
padding-inline-start:48px;"><li dir="ltr" style="list-style-type:disc;font-size:11pt;font-family:Arial,sans-serif;"
aria-level="1"><p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;" role="presentation"><span
style="font-size:11pt;font-family:Arial,sans-serif;font-weight:400;white-space:pre-wrap;">High water at six</span></p></li></ul><br><img
src="https://lh7-rt.googleusercontent.com/docsz/AD_4nXexample" width="300" height="200"></b>"""

PASTE = """html => {
  const area = document.querySelector('.bs-rte-area');
  area.focus();
  const data = new DataTransfer();
  data.setData('text/html', html);
  data.setData('text/plain', 'plain');
  area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
}"""

DIRT = ("mso", "style", "class=", "<span", "o:p", "file:", "docs-internal", "dir=", "aria-", "Symbol", "<b ")


def _user(name: str, role: str | None = None) -> None:
    model = get_user_model()
    if role is None:
        model.objects.create_superuser(name, f"{name}@example.com", PASSWORD)
        return
    user = model.objects.create_user(name, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))


def _sign_in(page: Page, base: str, name: str) -> Watch:
    seen = watch(page, base)
    page.goto(base + "/admin/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    return seen


def _new_article(page: Page, base: str, headline: str, section: Section) -> None:
    page.goto(base + "/admin/newsroom/article/add/")
    expect(page.locator(".bs-rte-area")).to_be_visible()
    page.fill("#id_headline", headline)
    page.select_option("#id_section", str(section.pk))


@pytest.fixture
def section() -> Section:
    roles.ensure_roles()
    return Section.objects.create(name="Harbour", slug="harbour")


@pytest.mark.parametrize(
    ("clipboard", "kept", "dropped"),
    [
        (
            WORD_HTML,
            ["<strong>Ferry fares</strong>", "<em>again</em>", '<a href="https://example.com/fares"'],
            ["<img", "<h1"],
        ),
        (
            DOCS_HTML,
            [
                "<strong>Harbour</strong> lights go <em>dark</em>",
                "<h2>Tide table</h2>",
                "<li><p>High water at six</p></li>",
            ],
            ["<img", "googleusercontent"],
        ),
    ],
    ids=["word", "google-docs"],
)
def test_pasted_word_and_google_docs_html_is_saved_clean(
    browser, live_server, section, page, clipboard, kept, dropped
):
    _user("editor")
    seen = _sign_in(page, live_server.url, "editor")
    _new_article(page, live_server.url, "Pasted story", section)
    page.evaluate(PASTE, clipboard)
    # The textarea (the form's source of truth) already holds the cleaned HTML.
    expect(page.locator("#id_body")).not_to_have_value("")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    body = Article.objects.get(headline="Pasted story").body
    for piece in kept:
        assert piece in body, body
    for piece in (*DIRT, *dropped):
        assert piece not in body, (piece, body)
    # Google's wrapper <b style="font-weight:normal"> does not make the whole text bold.
    assert "<strong><p" not in body and "Tide table</strong>" not in body
    assert seen.errors == [] and seen.csp_violations() == []


def test_word_count_and_reading_time_follow_the_typing(browser, live_server, section, page):
    _user("editor")
    seen = _sign_in(page, live_server.url, "editor")
    _new_article(page, live_server.url, "Counted story", section)
    count = page.locator(".bs-wordcount")
    expect(count).to_have_text("0 words · 0 min read")
    page.locator(".bs-rte-area").click()
    page.keyboard.type("Tide tables are printed daily")
    expect(count).to_have_text("5 words · 1 min read")
    # 230 words a minute, rounded up: 231 words are a two-minute read.
    page.keyboard.type(" word" * 226)
    expect(count).to_have_text("231 words · 2 min read")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    # The server says the same under the editor once saved (newsroom/readingtime.py).
    assert page.locator(".field-reading_time .readonly").inner_text() == "231 words · 2 min read"
    assert seen.errors == [] and seen.csp_violations() == []


def test_a_library_image_inserted_in_the_body_is_a_srcset_picture_on_the_page(
    browser, live_server, section, page
):
    _user("editor")
    image = media_services.upload(
        halves(1600, 900),
        name="quay.jpg",
        alt="The quay at low tide",
        caption="Low water",
        credit="Port Alder Archive",
    ).image
    image.refresh_from_db()
    assert image.renditions  # made by the task after the upload
    seen = _sign_in(page, live_server.url, "editor")
    _new_article(page, live_server.url, "Low tide at the quay", section)
    page.locator(".bs-rte-area").click()
    page.keyboard.type("The water went out further than anyone remembers.")
    page.get_by_role("button", name="Insert image from library").click()
    dialog = page.locator("dialog.bs-picker")
    expect(dialog).to_be_visible()
    dialog.locator(".bs-picker-search").fill("quay")
    dialog.locator(f'.bs-picker-item[data-media-id="{image.pk}"]').click()
    expect(dialog.locator(".bs-picker-caption")).to_have_value("Low water")
    expect(dialog.locator(".bs-picker-credit")).to_have_value("Port Alder Archive")
    dialog.get_by_role("button", name="Insert").click()
    expect(page.locator(".bs-rte-area figure img")).to_have_attribute("alt", "The quay at low tide")
    page.locator(".bs-rte-area figure img").evaluate("img => img.decode()")
    if os.environ.get("E2E_SCREENSHOT_DIR"):
        page.set_viewport_size({"width": 1366, "height": 1200})  # the editor whole, with its figure
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(os.environ["E2E_SCREENSHOT_DIR"]) / "admin-editor.png"))
    page.get_by_role("button", name="Publish").first.click()
    expect(page.locator(".messagelist .success").first).to_be_visible()

    article = Article.objects.get(headline="Low tide at the quay")
    assert article.state == "published"
    assert f'<img data-media-id="{image.pk}"' in article.body or f'data-media-id="{image.pk}"' in article.body
    assert list(article.body_images.all()) == [image]

    page.goto(live_server.url + article.get_absolute_url())
    picture = page.locator(".story__body figure picture")
    expect(picture).to_have_count(1)
    source = picture.locator("source")
    assert source.get_attribute("type") in {"image/webp", "image/avif"}
    assert len((source.get_attribute("srcset") or "").split(",")) >= 3
    img = picture.locator("img")
    assert len((img.get_attribute("srcset") or "").split(",")) >= 3
    assert img.get_attribute("width") and img.get_attribute("height")
    assert img.get_attribute("alt") == "The quay at low tide"
    expect(page.locator(".story__body figcaption")).to_contain_text("Low water")
    expect(page.locator(".story__body figcaption small")).to_have_text("Credit: Port Alder Archive")
    assert img.evaluate("img => img.complete && img.naturalWidth > 0")
    assert seen.errors == [] and seen.csp_violations() == []


def test_preview_before_the_first_save_shows_the_story_and_writes_nothing(
    browser, live_server, section, page
):
    _user("editor")
    seen = _sign_in(page, live_server.url, "editor")
    _new_article(page, live_server.url, "Gulls return to the breakwater", section)
    page.locator(".bs-rte-area").click()
    page.keyboard.type("Hundreds of them, all at once.")
    with page.context.expect_page() as opened:
        page.locator(".bs-workflow-top .bs-preview-button").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator("h1")).to_have_text("Gulls return to the breakwater")
    expect(preview.locator(".preview-banner")).to_contain_text("Preview — not published")
    expect(preview.locator(".story__body")).to_contain_text("Hundreds of them, all at once.")
    assert not Article.objects.exists()
    # The form is still there, unsaved, for the editor to go on with.
    assert page.input_value("#id_headline") == "Gulls return to the breakwater"
    assert seen.errors == [] and seen.csp_violations() == []


def test_a_contributor_submits_for_review_and_has_no_publish_button(browser, live_server, section, page):
    _user("cora", roles.CONTRIBUTOR)
    seen = _sign_in(page, live_server.url, "cora")
    _new_article(page, live_server.url, "Night ferry to run all winter", section)
    page.locator(".bs-rte-area").click()
    page.keyboard.type("The 23:40 sailing stays.")
    states = page.locator(".bs-states li")
    expect(states).to_have_text(["Draft", "Pending review", "Scheduled", "Published", "Withdrawn"])
    expect(page.locator('.bs-states [aria-current="step"]')).to_have_text("Draft")
    buttons = page.locator(".bs-workflow-top .bs-transition")
    expect(buttons).to_have_text(["Save draft", "Submit for review"])
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    expect(page.get_by_role("button", name="Schedule")).to_have_count(0)

    page.locator(".bs-workflow-top").get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("Submitted for review")
    article = Article.objects.get(headline="Night ferry to run all winter")
    assert article.status == Article.Status.PENDING_REVIEW
    assert article.created_by is not None and article.created_by.username == "cora"
    expect(page.locator('.bs-states [aria-current="step"]')).to_have_text("Pending review")
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    assert seen.errors == [] and seen.csp_violations() == []


def test_times_are_labelled_in_site_time_and_now_gives_site_time(browser, live_server, section):
    _user("editor")
    # An editor whose computer is in London (the site is in New York).
    context = browser.new_context(viewport={"width": 1366, "height": 900}, timezone_id="Europe/London")
    page = context.new_page()
    seen = _sign_in(page, live_server.url, "editor")
    page.goto(live_server.url + "/admin/newsroom/article/add/")
    expect(page.locator(".field-published_at .help:not(.timezonewarning)")).to_contain_text(
        "New York time (E"
    )
    # Django's offset note is made, but not shown: the label says which time to type.
    assert page.locator(".timezonewarning").count() >= 1
    expect(page.locator(".timezonewarning").first).to_be_hidden()
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Now").last.click()
    typed = page.input_value("#id_published_at_1")
    site_now = timezone.localtime(clock.now())
    hours, minutes = (int(part) for part in typed.split(":")[:2])
    assert abs((hours * 60 + minutes) - (site_now.hour * 60 + site_now.minute)) % (24 * 60) <= 2
    assert seen.errors == [] and seen.csp_violations() == []
    context.close()


def test_a_body_with_markup_the_editor_cannot_hold_is_edited_as_html_and_kept(
    browser, live_server, section, page
):
    _user("editor")
    article = Article.objects.create(
        headline="Tide times",
        slug="tide-times",
        section=section,
        body="<p>This week:</p><table><tbody><tr><td>Mon</td><td>06:12</td></tr></tbody></table>",
    )
    seen = _sign_in(page, live_server.url, "editor")
    page.goto(live_server.url + f"/admin/newsroom/article/{article.pk}/change/")
    expect(page.locator(".bs-rte-note")).to_contain_text("edited as HTML")
    expect(page.locator("#id_body")).to_be_visible()
    expect(page.locator(".bs-rte-area")).to_have_count(0)
    expect(page.locator(".bs-wordcount")).to_have_text("4 words · 1 min read")
    page.locator("#id_body").press("End")
    page.locator("#id_body").type("<p>Spring tides follow.</p>")
    expect(page.locator(".bs-wordcount")).to_have_text("7 words · 1 min read")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert "<td>06:12</td>" in article.body and "Spring tides follow." in article.body
    assert seen.errors == [] and seen.csp_violations() == []
