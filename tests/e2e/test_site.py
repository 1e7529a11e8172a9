"""The public site in a real browser: menu, search overlay, article page, Contact menu, no-JS, beacon."""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import Page, expect

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Author, Section, SiteSettings
from broadsheet.newsroom.models import Page as StaticPage
from broadsheet.readership.models import ArticleViews

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A desktop Chrome's user agent: the beacon ignores "HeadlessChrome" as a non-reader.
READER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
SHARE_NETWORKS = {
    "facebook": ("Share on Facebook", "https://www.facebook.com/sharer/sharer.php?"),
    "x": ("Share on X", "https://x.com/intent/tweet?"),
    "pinterest": ("Share on Pinterest", "https://pinterest.com/pin/create/button/?"),
    "linkedin": ("Share on LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?"),
    "tumblr": ("Share on Tumblr", "https://www.tumblr.com/widgets/share/tool?"),
    "email": ("Share by email", "mailto:?"),
    "reddit": ("Share on Reddit", "https://www.reddit.com/submit?"),
}
CONTACT_PAGES = [
    "About Us",
    "Contact Us",
    "Amazon Disclaimer",
    "DMCA",
    "Privacy Policy",
    "Terms and Conditions",
]
# Records every CSP violation the page reports; runs before any of the page's own scripts.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@dataclass
class Newsroom:
    lead: Article
    others: list[Article]
    sections: list[Section]


@dataclass
class Watch:
    """What the browser said while a page was open: console errors, page errors, CSP reports."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__cspViolations || []"))


def jpeg(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture
def newsroom(transactional_db) -> Newsroom:  # type: ignore[no-untyped-def]
    SiteSettings.objects.create(
        pk=1,
        site_name="Harbor Gazette",
        tagline="News from every pier",
        facebook_url="https://facebook.example/harborgazette",
        x_url="https://x.example/harborgazette",
    )
    sections = [
        Section.objects.create(name=name, slug=name.lower(), order=n)
        for n, name in enumerate(["City", "Business", "Sport"], start=1)
    ]
    forms = {"Contact Us": StaticPage.Form.CONTACT, "DMCA": StaticPage.Form.TAKEDOWN}
    for order, title in enumerate(CONTACT_PAGES, start=1):
        StaticPage.objects.create(
            title=title,
            slug=title.lower().replace(" ", "-"),
            body=f"<p>{title}: a page for the browser tests.</p>",
            form=forms.get(title, StaticPage.Form.NONE),
            order=order,
        )
    author = Author.objects.create(name="Mara Quill", slug="mara-quill")
    lead = Article(
        headline="Marrowvale ferry returns to the harbor after ten years",
        dek="The old crossing reopens on Monday with two boats and a new timetable.",
        body="<p>The Marrowvale ferry will sail again.</p><p>Councillors approved the plan.</p>",
        section=sections[0],
        author=author,
        status=Article.Status.PUBLISHED,
        published_at=clock.now() - dt.timedelta(minutes=5),
        lead_image_width=1200,
        lead_image_height=675,
        lead_image_alt="The ferry at the north pier",
        lead_image_caption="The ferry at the north pier on its trial run.",
        lead_image_credit="Ada Lens",
    )
    lead.lead_image.save("ferry.jpg", ContentFile(jpeg(1200, 675, (30, 90, 140))), save=False)
    services.save_article(lead)
    others = []
    for n, sec in enumerate(sections, start=1):
        article = Article(
            headline=f"{sec.name} story number {n}",
            dek="Another fictional story.",
            body="<p>Nothing much happened.</p>",
            section=sec,
            author=author,
            status=Article.Status.PUBLISHED,
            published_at=clock.now() - dt.timedelta(hours=n),
        )
        others.append(services.save_article(article))
    return Newsroom(lead=lead, others=others, sections=sections)


def serve_media(page: Page, base_url: str) -> None:
    """Answer /media/ requests from MEDIA_ROOT inside the browser.

    Uploaded files are never served by Django itself outside DEBUG (production serves them
    from the web server or object storage), so the test plays that part for the browser.
    """
    root = Path(settings.MEDIA_ROOT).resolve()
    prefix = base_url + settings.MEDIA_URL

    def fulfil(route) -> None:  # type: ignore[no-untyped-def]
        relative = unquote(urlsplit(route.request.url).path[len(settings.MEDIA_URL) :])
        path = (root / relative).resolve()
        if root in path.parents and path.is_file():
            route.fulfill(path=path)
        else:
            route.fulfill(status=404, body="not found")

    page.route(prefix + "**", fulfil)


def watch(page: Page, base_url: str) -> Watch:
    found = Watch(page)
    page.add_init_script(CSP_LISTENER)
    page.on("console", lambda msg: found.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: found.errors.append(f"pageerror: {exc}"))
    serve_media(page, base_url)
    return found


def focus_by_tab(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab from the top of the page until `selector` has the keyboard focus."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{selector} never received focus by Tab")


def wait_for_views(article: Article, attempts: int = 50) -> ArticleViews | None:
    for _ in range(attempts):
        row = ArticleViews.objects.filter(article=article).first()
        if row is not None:
            return row
        time.sleep(0.1)
    return None


# ---------- Narrow screens: the off-canvas menu ----------


def test_phone_menu_opens_with_the_hamburger_and_closes(phone, live_server, newsroom):
    phone.goto(live_server.url + "/")
    toggle = phone.get_by_role("button", name="Menu", exact=True)
    drawer = phone.locator("#site-nav")
    business = drawer.get_by_role("link", name="Business")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(business).to_be_hidden()

    toggle.click()
    close = phone.get_by_role("button", name="Close Menu")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(close).to_be_visible()
    expect(close).to_be_focused()
    expect(business).to_be_visible()

    close.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(business).to_be_hidden()
    expect(toggle).to_be_focused()

    # Esc closes it too, and the drawer's links still lead somewhere.
    toggle.click()
    expect(business).to_be_visible()
    phone.keyboard.press("Escape")
    expect(business).to_be_hidden()
    expect(toggle).to_be_focused()

    toggle.click()
    contact = drawer.get_by_role("button", name="Contact")
    contact.click()
    expect(drawer.get_by_role("link", name="Privacy Policy")).to_be_visible()
    business.click()
    expect(phone).to_have_url(live_server.url + "/business/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Business")


# ---------- The search overlay ----------


def test_search_overlay_searches_on_enter(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    overlay = page.locator("#search-overlay")
    expect(overlay).to_be_hidden()

    page.locator(".search-toggle").click()
    field_ = page.get_by_role("searchbox", name="Search Harbor Gazette")
    expect(overlay).to_be_visible()
    expect(field_).to_be_focused()
    field_.fill("marrowvale ferry")
    field_.press("Enter")

    page.wait_for_url("**/search/?q=*")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["marrowvale ferry"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_role("searchbox", name="Search for")).to_have_value("marrowvale ferry")
    results = page.locator(".search-results")
    expect(results.get_by_role("link", name=newsroom.lead.headline)).to_be_visible()
    results.get_by_role("link", name=newsroom.lead.headline).click()
    expect(page).to_have_url(live_server.url + newsroom.lead.get_absolute_url())


def test_escape_closes_the_search_overlay(page, live_server, newsroom):
    page.goto(live_server.url + newsroom.lead.get_absolute_url())
    toggle = page.locator(".search-toggle")
    overlay = page.locator("#search-overlay")
    toggle.click()
    expect(overlay).to_be_visible()
    page.keyboard.type("half a query")
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()
    expect(toggle).to_be_focused()
    assert page.url == live_server.url + newsroom.lead.get_absolute_url()

    # The close button does the same.
    toggle.click()
    expect(overlay).to_be_visible()
    page.get_by_role("button", name="Close search").click()
    expect(overlay).to_be_hidden()


# ---------- The article page ----------


def test_article_has_share_links_top_and_bottom_and_a_credited_image(page, live_server, newsroom):
    watch(page, live_server.url)
    article = newsroom.lead
    url = live_server.url + article.get_absolute_url()
    page.goto(url)

    expect(page.get_by_role("heading", level=1)).to_have_text(article.headline)
    for position in ("top", "bottom"):
        block = page.locator(f".share--{position}")
        expect(block).to_be_visible()
        links = block.get_by_role("link")
        expect(links).to_have_count(len(SHARE_NETWORKS))
        for name, (label, prefix) in SHARE_NETWORKS.items():
            link = block.get_by_role("link", name=label, exact=True)
            expect(link).to_be_visible()
            href = link.get_attribute("href") or ""
            assert href.startswith(prefix), (name, href)
            assert url in unquote(href), (name, href)
            if name != "email":
                expect(link).to_have_attribute("target", "_blank")
                expect(link).to_have_attribute("rel", "noopener noreferrer")

    figure = page.locator(".story__figure")
    image = figure.get_by_role("img", name="The ferry at the north pier")
    expect(image).to_be_visible()
    expect(image).to_have_attribute("width", "1200")
    expect(image).to_have_attribute("height", "675")
    assert (image.get_attribute("src") or "").startswith(settings.MEDIA_URL + "lead/")
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]") == [True, 1200, 675]
    expect(figure.locator("figcaption")).to_contain_text("The ferry at the north pier on its trial run.")
    expect(figure.locator(".story__credit")).to_have_text("Credit: Ada Lens")

    # The Pinterest link carries the absolute image URL.
    pin = page.locator(".share--top .share__link--pinterest").get_attribute("href") or ""
    media = parse_qs(urlsplit(pin).query)["media"][0]
    assert media == live_server.url + (image.get_attribute("src") or "")


@pytest.mark.parametrize("where", ["home", "article"])
def test_no_console_errors_or_csp_violations(browser, live_server, newsroom, where):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, user_agent=READER_AGENT)
    page = context.new_page()
    seen = watch(page, live_server.url)
    path = "/" if where == "home" else newsroom.lead.get_absolute_url()
    try:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200
        # The policy is really in force: the test would prove nothing without it.
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        # Images (routed from MEDIA_ROOT) loaded rather than broke.
        broken = page.evaluate(
            "Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)"
        )
        assert broken == []
        # Use the page's scripts, so their errors would surface too.
        page.locator(".search-toggle").click()
        page.keyboard.press("Escape")
        assert seen.errors == []
        assert seen.csp_violations() == []
    finally:
        context.close()


def test_the_beacon_counts_an_article_view(browser, live_server, newsroom):
    context = browser.new_context(user_agent=READER_AGENT)
    page = context.new_page()
    try:
        assert not ArticleViews.objects.exists()
        with page.expect_response(lambda r: r.url == live_server.url + "/v/") as beacon:
            page.goto(live_server.url + newsroom.lead.get_absolute_url())
        assert beacon.value.status == 204
        assert beacon.value.request.method == "POST"
        row = wait_for_views(newsroom.lead)
        assert row is not None, "the beacon's view was never written"
        assert row.views == 1
        # A list page sends no beacon.
        page.goto(live_server.url + "/")
        page.wait_for_load_state("networkidle")
        assert list(ArticleViews.objects.values_list("article_id", "views")) == [(newsroom.lead.pk, 1)]
    finally:
        context.close()


# ---------- The Contact menu ----------


def test_contact_dropdown_lists_the_pages_and_works_by_keyboard(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    button = page.locator("#site-nav").get_by_role("button", name="Contact")
    submenu = page.locator("#menu-contact")
    expect(submenu).to_be_hidden()

    focus_by_tab(page, "#site-nav .menu__toggle")
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(submenu).to_be_visible()
    expect(submenu.get_by_role("link")).to_have_text(CONTACT_PAGES)

    page.keyboard.press("Tab")
    expect(submenu.get_by_role("link", name="About Us")).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(submenu).to_be_hidden()
    expect(button).to_be_focused()

    # Space opens it as well; Tab through to a page and follow it.
    page.keyboard.press(" ")
    expect(submenu).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(submenu.get_by_role("link", name="Contact Us")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/contact-us/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact Us")
    expect(page.get_by_role("button", name="Send message")).to_be_visible()


def test_tabbing_out_of_the_contact_menu_closes_it(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    submenu = page.locator("#menu-contact")
    focus_by_tab(page, "#site-nav .menu__toggle")
    page.keyboard.press("Enter")
    expect(submenu).to_be_visible()
    for _ in CONTACT_PAGES:
        page.keyboard.press("Tab")
    expect(submenu.get_by_role("link", name=CONTACT_PAGES[-1])).to_be_focused()
    page.keyboard.press("Tab")
    expect(submenu).to_be_hidden()


# ---------- Without JavaScript ----------


def test_without_javascript_search_is_a_link_and_the_menu_is_reachable(browser, live_server, newsroom):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert "js" not in (page.locator("html").get_attribute("class") or "")
        expect(page.get_by_role("button", name="Menu", exact=True)).to_be_hidden()

        nav = page.locator("#site-nav")
        for section in newsroom.sections:
            expect(nav.get_by_role("link", name=section.name)).to_be_visible()
        # The Contact list opens in place once focus is inside it.
        nav.get_by_role("button", name="Contact").focus()
        expect(nav.get_by_role("link", name="Privacy Policy")).to_be_visible()
        nav.get_by_role("link", name="Privacy Policy").click()
        expect(page).to_have_url(live_server.url + "/privacy-policy/")

        search = page.locator("a.search-toggle")
        expect(search).to_have_attribute("href", "/search/")
        expect(search).to_have_accessible_name("Search")
        search.click()
        expect(page).to_have_url(live_server.url + "/search/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Search")
        box = page.get_by_role("searchbox", name="Search for")
        box.fill("marrowvale")
        box.press("Enter")
        page.wait_for_url("**/search/?q=marrowvale*")
        expect(
            page.locator(".search-results").get_by_role("link", name=newsroom.lead.headline)
        ).to_be_visible()

        nav = page.locator("#site-nav")
        nav.get_by_role("link", name="Sport").click()
        expect(page).to_have_url(live_server.url + "/sport/")
    finally:
        context.close()
