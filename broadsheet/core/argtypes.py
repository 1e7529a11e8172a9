"""Argument types shared by management commands, so that `broadsheet serve --workers 0` and
`broadsheet demo --articles lots` are refused with one wording (argparse names the option)."""

from __future__ import annotations

import argparse


def positive_int(raw: str, what: str = "a positive integer") -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {what} (got {raw!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be {what} (got {raw})")
    return value


def port(raw: str) -> int:
    value = positive_int(raw)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535 (got {raw})")
    return value
