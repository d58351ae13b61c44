"""The transport-neutral events the engine speaks: what comes in, what goes out."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import rtl_text

MAX_PAYLOAD_BYTES = 64
"""Every payload the engine makes fits Telegram's 64-byte callback data."""


@dataclass(frozen=True)
class Incoming:
    """One thing a user did: typed ``text``, pressed a button (``payload``) or sent a ``command``.

    ``user_id`` is the user's id on ``channel`` (for a staff group chat, the
    chat's id); ``language_hint`` is what the client says the user's language
    is (``fa-IR``), if anything, or a comma-separated list of likely languages,
    most likely first (``ar,ckb,kmr`` for an Iraqi WhatsApp number).
    """

    channel: str
    user_id: str
    text: str | None = None
    payload: str | None = None
    command: str | None = None
    args: str = ""
    language_hint: str | None = None
    reply_to: str | None = None
    """The text of the bot's message this one replies to, when the platform says (staff answering a ticket)."""


@dataclass(frozen=True)
class Option:
    """A button: ``label`` as shown, ``payload`` sent back when pressed.

    ``short_label`` is for channels with tight button limits (WhatsApp);
    ``description`` may be shown under the label in a list.
    """

    label: str
    payload: str
    short_label: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Place:
    """A map point to send as a location or venue."""

    lat: float
    lon: float
    name: str = ""
    address: str = ""


@dataclass(frozen=True)
class ContactCard:
    name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Document:
    """A small file sent with a message (an event's ``.ics``): its name, bytes and MIME type."""

    filename: str
    data: bytes = field(repr=False)
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Outgoing:
    """One message to the user.

    ``title`` is a heading the channel may emphasize, ``text`` the plain text
    (never markup: channels escape it), ``options`` the buttons, ``document``
    a file sent before the text. ``locale``
    and ``rtl`` tell the channel how to lay it out; ``columns`` and
    ``more_label`` are layout hints a channel may use.

    A message is shared: the engine reuses one rendered page for every user of
    a locale, so it carries nothing of one user or one channel (which page of a
    long list a WhatsApp user is on is the WhatsApp channel's own state).
    """

    text: str
    title: str = ""
    options: tuple[Option, ...] = ()
    location: Place | None = None
    contact: ContactCard | None = None
    locale: str = "en"
    rtl: bool = False
    node_id: str | None = None
    document: Document | None = None
    columns: int = 1
    """Options per row where buttons form a grid (the language picker asks for 2)."""
    more_label: str = ""
    """The label of the row that shows the next page of a long list of options (default: "More")."""
    list_id: str = ""
    """Names a list that is not a node (``~`` and a few letters, e.g. the language picker's ``~l1``), so that a
    channel's "More" row can carry the name and :meth:`Engine.list_again` build the same list again on whichever
    worker gets the press: nothing of the list is kept in a process."""
    keep_menu: bool = False
    """Send as a new message: never edit the menu the user pressed into this one (a flood notice)."""

    def __post_init__(self) -> None:
        # Right-to-left messages are finished in one place for every feature and channel:
        # each line starts right to left and Latin names are isolated (see bot.i18n.rtl_text).
        if self.rtl:
            object.__setattr__(self, "text", rtl_text(self.text))
            object.__setattr__(self, "title", rtl_text(self.title))

    @property
    def full_text(self) -> str:
        """Title and text as one plain string."""
        return f"{self.title}\n\n{self.text}".strip() if self.title else self.text
