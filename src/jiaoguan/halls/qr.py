"""The check-in QR code on a booking's confirmation (the kiosk reads it)."""

from __future__ import annotations

import io

import segno

PREFIX = "JGHALL:"


def checkin_svg(code: str) -> bytes:
    out = io.BytesIO()
    segno.make_qr(PREFIX + code, error="m").save(out, kind="svg", scale=6, border=2)
    return out.getvalue()


def code_from_scan(text: str) -> str:
    """What the kiosk's scanner reads (the prefixed text) or what a person types (the bare code)."""
    text = text.strip()
    return text.removeprefix(PREFIX)
