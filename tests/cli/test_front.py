"""`broadsheet` is a thin front: every command it offers is one management command, in-process."""

from __future__ import annotations

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from broadsheet.cli import COMMANDS, main


def test_every_command_is_a_management_command_of_a_broadsheet_app() -> None:
    found = get_commands()
    for name, command in COMMANDS.items():
        assert found.get(command, "").startswith("broadsheet."), name


def test_both_fronts_share_one_validation(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CommandError, match="source id"):
        call_command("sources", "remove", "0")
    assert main(["sources", "remove", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("broadsheet: error: argument id: must be a source id")


@pytest.mark.django_db
def test_a_command_that_cannot_go_on_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    from broadsheet.ingest.models import Source

    # Well-formed input the work cannot be done for: an excerpt source keeps no page text.
    source = Source.objects.create(feed_url="https://example.org/feed.xml")
    assert main(["sources", "reextract", str(source.pk)]) == 1
    assert capsys.readouterr().err.startswith(f"broadsheet: error: source {source.pk} is in excerpt mode")


@pytest.mark.django_db
def test_an_unknown_id_is_bad_input_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "remove", "9999"]) == 2
    assert capsys.readouterr().err == "broadsheet: error: no source with id 9999\n"
