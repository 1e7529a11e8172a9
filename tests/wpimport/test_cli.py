"""`broadsheet import-wxr`: the summary, --dry-run, and one-line errors."""

from __future__ import annotations

import pytest

from broadsheet.cli import main
from broadsheet.newsroom.models import Article
from tests.wpimport.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def test_import_prints_a_summary(capsys) -> None:
    assert main(["import-wxr", str(FIXTURES / "wxr-1.2-https.xml")]) == 0
    out = capsys.readouterr().out
    assert "Import finished." in out
    assert "post                6        0          0        1" in out
    assert "/%year%/%monthnum%/%postname%/" in out
    assert "× shortcode [gallery] removed" in out and "e.g. post 11" in out
    assert Article.objects.count() == 6


def test_dry_run_says_so_and_writes_nothing(capsys) -> None:
    assert main(["import-wxr", "--dry-run", str(FIXTURES / "wxr-1.1-http.xml")]) == 0
    assert "Dry run: nothing was written." in capsys.readouterr().out
    assert Article.objects.count() == 0


def test_errors_are_one_line(tmp_path, capsys) -> None:
    assert main(["import-wxr", str(tmp_path / "missing.xml")]) == 1
    assert "cannot read" in capsys.readouterr().err
    hostile = tmp_path / "laughs.xml"
    hostile.write_bytes(b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "a">]><rss><channel/></rss>')
    assert main(["import-wxr", str(hostile)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DTD" in err
