"""Opaque page cursors: what a list returns as ``nextCursor`` and takes back as ``?cursor=``."""

from __future__ import annotations

import base64
import binascii

__all__ = ["decode_cursor", "encode_cursor"]


def encode_cursor(position: str) -> str:
    """A cursor for ``position`` (URL-safe, unpadded)."""
    return base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> str | None:
    """The position a cursor names, or None when ``raw`` is not a cursor this API returned."""
    try:
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None
