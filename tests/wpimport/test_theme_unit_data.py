"""The WordPress theme unit test exports (../shared/data/wp-theme-unit-test): a browsable site whose
old URLs redirect, a second import that changes nothing, a dry run that writes nothing."""

from __future__ import annotations

import pytest

from broadsheet.newsroom.models import Article, LegacyRedirect, Page
from broadsheet.wpimport.importer import import_wxr
from broadsheet.wpimport.models import WordPressItem
from broadsheet.wpimport.paths import old_path
from broadsheet.wpimport.wxr import parse_wxr
from tests.wpimport.conftest import THEME_DATA
from tests.wpimport.test_importer import dump

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not THEME_DATA.is_dir(), reason=f"the shared theme unit test data is absent ({THEME_DATA})"
    ),
]

FILES = ["themeunittestdata.wordpress.xml", "64-block-test-data.xml", "theme-preview.xml"]


@pytest.fixture(params=FILES)
def export(request) -> bytes:
    return (THEME_DATA / request.param).read_bytes()


def test_import_gives_a_browsable_site_with_old_urls_redirecting(client, export: bytes) -> None:
    report = import_wxr(export)
    doc = parse_wxr(export)
    posts = [i for i in doc.items if i.post_type == "post"]
    assert report.count("post", "created") == len(posts)
    assert client.get("/").status_code == 200
    public = Article.objects.published().select_related("section").first()
    assert public is not None
    assert client.get(public.section.get_absolute_url()).status_code == 200
    assert client.get(public.get_absolute_url()).status_code == 200
    page = Page.objects.filter(wordpress_items__isnull=False).first()
    if page is not None:
        assert client.get(page.get_absolute_url()).status_code == 200

    checked = 0
    for item in posts:
        record = WordPressItem.objects.get(wp_id=item.wp_id, guid__startswith=item.guid[:400])
        if record.article is None or not record.article.is_public:
            continue
        target = record.article.get_absolute_url()
        response = client.get(f"/?p={item.wp_id}")
        if response.status_code == 301:  # /?p=ID belongs to whichever item claimed it last
            assert response["Location"].endswith("/")
        path = old_path(item.link)
        if path is not None and path != target:
            owner = LegacyRedirect.objects.get(old_path=path)
            if owner.article_id == record.article_id:
                response = client.get(path)
                assert response.status_code in (200, 301), path
                if response.status_code == 301:
                    assert response["Location"] == target, path
                checked += 1
    assert checked or all(old_path(i.link) is None for i in posts)


def test_second_import_changes_nothing(export: bytes) -> None:
    import_wxr(export)
    before = dump()
    again = import_wxr(export)
    assert again.total("created") == 0 and again.total("updated") == 0
    assert dump() == before


def test_dry_run_writes_nothing(export: bytes) -> None:
    before = dump()
    report = import_wxr(export, dry_run=True)
    assert report.total("created") > 0
    assert dump() == before


def test_the_186_item_file_in_detail(client) -> None:
    report = import_wxr((THEME_DATA / FILES[0]).read_bytes())
    assert report.rows()[0] == ("post", 58, 0, 0, 0)
    assert report.rows()[2] == ("attachment", 37, 0, 0, 0)
    assert report.count("page", "created") == 21  # no About page here to take over
    assert report.count("other", "skipped") == 70  # nav_menu_item
    sticky = Article.objects.get(is_sticky=True)
    assert sticky.headline == "Template: Sticky"
    assert Article.objects.filter(headline="Untitled").exists()  # the post with an empty title
    assert Article.objects.scheduled().count() + Article.objects.filter(status="draft").count() >= 2
    redirected = client.get("/2012/01/07/template-sticky/")
    assert redirected.status_code == 301 and redirected["Location"] == sticky.get_absolute_url()
    child = Page.objects.get(slug="level-3")
    assert child.parent.slug == "level-2" and child.parent.parent.slug == "level-1"
    assert client.get("/level-1/level-2/level-3/")["Location"] == "/level-3/"
    assert client.get("/author/themedemos/")["Location"] == "/author/theme-buster/"


def test_the_two_exports_that_share_an_address_do_not_overwrite_each_other() -> None:
    import_wxr((THEME_DATA / FILES[0]).read_bytes())
    font_sizes = WordPressItem.objects.get(wp_id=163).article
    report = import_wxr((THEME_DATA / FILES[1]).read_bytes())
    assert report.warnings["post id already imported with another GUID or type; skipped"] >= 1
    font_sizes.refresh_from_db()
    assert font_sizes.headline == "WP 6.1 Font size scale"
