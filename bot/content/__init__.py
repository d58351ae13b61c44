"""Orientation content: the YAML format, its model and its validation.

Public API: :func:`load_content` returns a validated :class:`ContentTree`
or raises :class:`bot.errors.ContentError` with ``file:line:col`` problems.
"""

from bot.content._loader import (
    EVENTS_FILE,
    SAFETY_FILE,
    LoadResult,
    load_content,
    read_text_file,
    read_yaml_file,
)
from bot.content._model import ROOT_ID, ContentTree, Details, Link, MapPoint, Node, Position

__all__ = [
    "EVENTS_FILE",
    "ROOT_ID",
    "SAFETY_FILE",
    "ContentTree",
    "Details",
    "Link",
    "LoadResult",
    "MapPoint",
    "Node",
    "Position",
    "load_content",
    "read_text_file",
    "read_yaml_file",
]
