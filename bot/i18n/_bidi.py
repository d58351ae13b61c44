"""Unicode bidi isolates, so Latin fragments inside right-to-left text keep their order.

A phone number like ``+90 212 555 0142`` or a URL inside Arabic text is
reordered by the bidi algorithm into nonsense unless it is isolated.
"""

from __future__ import annotations

import re

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"

_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def isolate_ltr(text: str, rtl: bool) -> str:
    """Wrap a left-to-right fragment (phone, URL, email) when the surrounding text is RTL."""
    return f"{LRI}{text}{PDI}" if rtl and text else text


def isolate(text: str, rtl: bool) -> str:
    """Wrap a fragment whose direction follows its first strong character (an address, a name)."""
    return f"{FSI}{text}{PDI}" if rtl and text else text


def strip_bidi_controls(text: str) -> str:
    """Remove explicit bidi controls from untrusted text (they can disguise what it says)."""
    return _BIDI_CONTROLS.sub("", text)
