"""Default text of the static pages and site settings for "The Broadsheet Daily" (fictional)."""

from __future__ import annotations

from dataclasses import dataclass

SITE_NAME = "The Broadsheet Daily"
TAGLINE = "News from every corner of Port Alder"
FICTION_NOTICE = (
    "The Broadsheet Daily is a demonstration site. Port Alder, its people, businesses and "
    "institutions are invented, and every article here is fictional demo content."
)


@dataclass(frozen=True)
class DefaultPage:
    title: str
    slug: str
    body: str
    form: str = ""


DEFAULT_PAGES: tuple[DefaultPage, ...] = (
    DefaultPage(
        "About",
        "about",
        "<p>The Broadsheet Daily covers the fictional harbour city of Port Alder: its council "
        "chamber and courtrooms, its start-ups and shipyards, its labs, galleries, stages and "
        "kitchens. We publish our own reporting and link to the work of other newsrooms.</p>"
        "<p><strong>All content on this site is fictional demo content.</strong> Port Alder does "
        "not exist, and any resemblance between its residents and real people is coincidental. "
        "The site runs on Broadsheet, an open news-website engine, and exists to show how it "
        "looks and behaves with a full newsroom behind it.</p>"
        "<h2>How we work</h2>"
        "<p>We name our sources wherever we can, correct mistakes openly at the foot of the "
        "article, and keep news separate from opinion. Aggregated stories always link to the "
        "original publisher and show its name.</p>",
    ),
    DefaultPage(
        "Contact",
        "contact",
        "<p>Have a tip, a correction or a question for the newsroom? Use the form below and an "
        "editor will read it within one working day. Please include a way to reach you if you "
        "would like a reply.</p>"
        "<p>For corrections, tell us the headline of the article and what you believe is wrong. "
        "For copyright concerns, please use our DMCA / Copyrights Disclaimer page instead.</p>",
        form="contact",
    ),
    DefaultPage(
        "Amazon Disclaimer",
        "amazon-disclaimer",
        "<p>The Broadsheet Daily may take part in the Amazon Services LLC Associates Program, an "
        "affiliate advertising programme designed to provide a means for sites to earn fees by "
        "linking to Amazon.com and affiliated sites.</p>"
        "<p>When a review or gift guide links to a product, we may receive a small commission if "
        "you buy it, at no extra cost to you. Commissions never influence which products we "
        "cover or what we say about them, and editors do not know which links earn fees.</p>",
    ),
    DefaultPage(
        "DMCA / Copyrights Disclaimer",
        "dmca",
        "<p>We respect the intellectual property of others. Aggregated items on this site show "
        "a short excerpt and link to the original publisher, who keeps all rights to their "
        "work.</p>"
        "<p>If you believe material on this site infringes your copyright, send a takedown "
        "request with the form below. Please identify the work, the page where it appears, your "
        "contact details, and a statement that you are the rights holder or authorised to act "
        "for them. We review every request and remove infringing material promptly.</p>",
        form="takedown",
    ),
    DefaultPage(
        "Privacy Policy",
        "privacy-policy",
        "<p>We collect as little as we can. Reading the site does not require an account, and we "
        "do not use third-party advertising trackers.</p>"
        "<h2>What we keep</h2>"
        "<ul><li>Anonymous, per-day view counts for each article, used to rank popular "
        "stories. We never store a record per visit.</li>"
        "<li>Messages you send through the contact or takedown forms, kept only as long as we "
        "need to answer them.</li>"
        "<li>Standard server logs, kept for up to 14 days to keep the site secure.</li></ul>"
        "<p>We do not sell personal data. To ask what we hold about you or to have it deleted, "
        "use the contact form.</p>",
    ),
    DefaultPage(
        "Terms and Conditions",
        "terms-and-conditions",
        "<p>By using this site you agree to these terms. The content is provided for "
        "information and demonstration only; it is fictional and must not be relied on as "
        "news about real events.</p>"
        "<p>You may share links to our articles and quote short passages with attribution. "
        "Republishing whole articles requires written permission. Links to other sites are "
        "provided for convenience; we are not responsible for their content.</p>"
        "<p>We may change these terms at any time; the version published here applies.</p>",
    ),
)

SITE_DEFAULTS: dict[str, str] = {
    "site_name": SITE_NAME,
    "tagline": TAGLINE,
    "facebook_url": "https://www.facebook.com/broadsheetdaily",
    "x_url": "https://x.com/broadsheetdaily",
    "instagram_url": "https://www.instagram.com/broadsheetdaily",
    "pinterest_url": "https://www.pinterest.com/broadsheetdaily",
    "youtube_url": "https://www.youtube.com/@broadsheetdaily",
    "tiktok_url": "https://www.tiktok.com/@broadsheetdaily",
    "footer_text": (
        "The Broadsheet Daily brings you the news of Port Alder: city hall, business, science, "
        "culture and the way we live. " + FICTION_NOTICE
    ),
    "copyright_text": "© The Broadsheet Daily. All rights reserved.",
    "disclaimer_text": FICTION_NOTICE,
}
