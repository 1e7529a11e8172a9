"""The publish service: sanitising, slugs, old slugs, scheduling and the one signal."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from broadsheet.core import clock
from broadsheet.core.markup_cost import MarkupTooComplex
from broadsheet.core.sanitize import sanitize_html
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, ArticleSlugHistory
from broadsheet.newsroom.signals import published

pytestmark = pytest.mark.django_db(transaction=True)


def test_save_sanitises_body_and_makes_slug(section):
    article = Article(
        headline="Pier Reopens!", section=section, body='<p onclick="x()">Hi<script>alert(1)</script></p>'
    )
    services.save_article(article)
    assert article.slug == "pier-reopens"
    assert "script" not in article.body and "onclick" not in article.body
    assert article.body == "<p>Hi</p>"


def test_slug_change_keeps_old_slug(make_article):
    article = make_article(headline="Old headline")
    old = article.slug
    article.slug = "new-headline"
    services.save_article(article)
    assert ArticleSlugHistory.objects.get(slug=old).article == article


def test_future_article_is_scheduled_not_public(make_article):
    article = make_article(published_at=clock.now() + dt.timedelta(hours=1))
    assert article.state == "scheduled"
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.scheduled().filter(pk=article.pk).exists()


def test_publish_sends_one_signal_with_snapshots(section):
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    published.connect(receiver)
    try:
        article = Article(headline="Signal test", section=section)
        services.save_article(article)
        assert seen == []  # drafts are nobody's business
        services.publish(article)
    finally:
        published.disconnect(receiver)
    assert [s["action"] for s in seen] == ["published"]
    assert seen[0]["before"] is None
    after = seen[0]["after"]
    assert (after.section, after.slug, after.author, after.tags) == (section.slug, article.slug, None, ())
    assert after.month == (article.published_at.year, article.published_at.month)


def test_withdraw_hides_article(make_article):
    article = make_article()
    services.withdraw(article)
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_save_refuses_a_body_too_complex_to_sanitise_and_stores_nothing(section):
    # 40,000 nested <b class=…> cost nh3 38 s of CPU; sanitize_html refuses it before parsing.
    bomb = "".join(f'<b class="c{i}">' for i in range(40_000)) + "deep"
    started = time.process_time()
    with pytest.raises(MarkupTooComplex, match="formatting elements unclosed"):
        services.save_article(Article(headline="Bomb", body=bomb, section=section))
    assert time.process_time() - started < 5
    assert not Article.objects.exists()


def test_an_unchanged_body_is_not_sanitised_again(section):
    # Markup the limits allow can come out of the sanitiser bigger than they allow (20,501
    # elements here): withdrawing the stored article must not sanitise, and refuse, it again.
    leaked = "<p>Text.</p>" + "</p>" * 20_500  # each stray </p> comes out as <p></p>
    article = services.save_article(Article(headline="Leaky", body=leaked, section=section))
    article = Article.objects.get(pk=article.pk)
    with pytest.raises(MarkupTooComplex):
        sanitize_html(article.body)
    services.publish(article)
    services.withdraw(Article.objects.get(pk=article.pk))
    assert Article.objects.get(pk=article.pk).status == Article.Status.WITHDRAWN

    article.body = "<p>Rewritten<script>x()</script></p>"  # a new body is sanitised as ever
    services.save_article(article)
    assert Article.objects.get(pk=article.pk).body == "<p>Rewritten</p>"
