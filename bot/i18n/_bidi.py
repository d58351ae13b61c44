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


RLM = "\u200f"
"""RIGHT-TO-LEFT MARK: makes a line that starts with Latin text, a digit or an emoji start right to left."""

_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_ISOLATED = re.compile("[\u2066\u2067\u2068][^\u2069]*\u2069")
# A run of Latin words (a name like "Example City", "/start", "Old Town"): letters, then words joined by
# spaces or by punctuation inside them, ending on a letter or digit.
_LATIN_RUN = re.compile(
    r"/?[A-Za-z\u00c0-\u024f][A-Za-z0-9_.'’&/@:+\-\u00c0-\u024f]*"
    r"(?: +[A-Za-z\u00c0-\u024f0-9][A-Za-z0-9_.'’&/@:+\-\u00c0-\u024f]*)*"
)
_NUMBER_BEFORE = re.compile(r"[0-9][0-9:.]* +$")
"""A number written before Latin words belongs to them ("6:00 PM" stays in this order)."""
_HAS_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")
_LATIN_COMMA = re.compile(r"(?<!\d),|,(?!\d)")
"""A comma that does not group digits (``1,234`` keeps its comma)."""
ARABIC_COMMA = "\u060c"


def _finish_segment(segment: str, arabic: bool) -> str:
    if arabic and "," in segment:
        segment = _LATIN_COMMA.sub(ARABIC_COMMA, segment)
    if not _HAS_LATIN.search(segment):
        return segment
    out, last = [], 0
    for match in _LATIN_RUN.finditer(segment):
        start, run = match.start(), match.group().rstrip(".:'’-/&@+")
        number = _NUMBER_BEFORE.search(segment, last, start)
        if number is not None:
            start = number.start()
        out.append(segment[last:start])
        out.append(f"{LRI}{segment[start:match.start()]}{run}{PDI}{match.group()[len(run):]}")
        last = match.end()
    out.append(segment[last:])
    return "".join(out)


def rtl_line(line: str) -> str:
    """One line of right-to-left text, finished so every app lays it out right to left.

    Latin runs (names, commands) are isolated so that numbers and punctuation
    next to them stay on the right side, and a line that does not start with a
    right-to-left letter gets a RIGHT-TO-LEFT MARK in front. In Arabic script, a
    Latin comma becomes the Arabic comma ``،``. Lines without any
    right-to-left letter (an English line among translations) are left as they
    are, and so is text already isolated. Finishing a finished line changes nothing.
    """
    outside = _ISOLATED.sub("", line)
    if not _RTL_LETTER.search(outside):
        return line
    arabic = bool(_ARABIC_LETTER.search(outside))
    parts, last = [], 0
    for match in _ISOLATED.finditer(line):
        parts.append(_finish_segment(line[last:match.start()], arabic))
        parts.append(match.group())
        last = match.end()
    parts.append(_finish_segment(line[last:], arabic))
    line = "".join(parts)
    if not _RTL_LETTER.match(line) and not line.startswith(RLM):
        line = RLM + line
    return line


def rtl_text(text: str) -> str:
    """:func:`rtl_line` for every line of ``text``."""
    if not text:
        return text
    return "\n".join(rtl_line(line) for line in text.split("\n"))
