"""Input clean-up shared by every identifier check.

People type identifiers with full-width characters (an IME left in Chinese mode), lower-case
letters, spaces and the display dot; all of these are normalised away before checking.
"""

from __future__ import annotations

import unicodedata

# Separators people copy from printed plates and documents; none is part of a stored identifier.
_SEPARATORS = str.maketrans("", "", " \t\r\n\u3000·•・‧∙.-_")


def fold(raw: str) -> str:
    """Full-width to half-width (NFKC) and upper case; keeps CJK characters as they are."""
    return unicodedata.normalize("NFKC", raw).upper()


def compact(raw: str) -> str:
    """`fold` and drop every separator and space."""
    return fold(raw).translate(_SEPARATORS)

