"""Marhaba: a multilingual orientation chatbot for newcomers.

The package is split by concern; a reader finds the room for a change from the
folder names alone:

- :mod:`bot.core`: the engine (incoming event -> outgoing messages); knows no platform.
- :mod:`bot.content`: YAML loading, the node model, validation with ``file:line``.
- :mod:`bot.i18n`: Babel catalogs, locale negotiation, formatting, the YAML extractor.
- :mod:`bot.store`: the repository interface and its SQLite implementation.
- :mod:`bot.channels`: one module or folder per platform.
"""

__version__ = "0.1.0"
