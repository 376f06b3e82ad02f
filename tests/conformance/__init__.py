"""Where the vendored public conformance data lives (README.md here says where each suite came from)."""

from __future__ import annotations

from pathlib import Path

CONFORMANCE = Path(__file__).resolve().parent
DCC_VECTORS = CONFORMANCE / "dcc" / "common"
CERTLOGIC = CONFORMANCE / "certlogic"
