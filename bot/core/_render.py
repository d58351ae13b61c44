"""Turn content nodes into outgoing messages in a user's locale."""

from __future__ import annotations

from bot.content import ROOT_ID, ContentTree, Node
from bot.core._events import ContactCard, Option, Outgoing, Place
from bot.i18n import N_, Translator, content_context, isolate, isolate_ltr

# TRANSLATORS: a button; WhatsApp shows at most 18 characters. A shorter form may follow ||, e.g. Long words||Short.
MARK_DONE = N_("Mark as done")
# TRANSLATORS: a button; WhatsApp shows at most 20 characters. A shorter form may follow ||, e.g. Long words||Short.
MARK_NOT_DONE = N_("Mark as not done")
# TRANSLATORS: a button; WhatsApp shows at most 18 characters. A shorter form may follow ||, e.g. Long words||Short.
BACK = N_("Back")
# TRANSLATORS: a button; WhatsApp shows at most 18 characters. A shorter form may follow ||, e.g. Long words||Short.
MAIN_MENU = N_("Main menu")


def node_title(node: Node, t: Translator) -> str:
    return t.content(content_context(node.id, "title"), node.title)


def node_short_title(node: Node, t: Translator) -> str | None:
    if not node.short_title:
        return None
    return t.content(content_context(node.id, "short_title"), node.short_title)


def ui_option(t: Translator, prefix: str, message: str, payload: str, **values: object) -> Option:
    """A button with a UI label (``message``, marked with ``N_`` or ``_``), and its translator's short form."""
    label = t.gettext(message).format(**values) if values else t.gettext(message)
    short = t.short(message)
    return Option(f"{prefix}{label}", payload,
                  short_label=f"{prefix}{short.format(**values) if values else short}" if short else None)


def node_option(node: Node, t: Translator, *, prefix: str = "", payload: str | None = None) -> Option:
    short = node_short_title(node, t) or t.content_short(content_context(node.id, "title"), node.title)
    return Option(
        label=f"{prefix}{node_title(node, t)}",
        payload=payload or f"n:{node.id}",
        short_label=f"{prefix}{short}" if short else None,
    )


def details_text(node: Node, t: Translator) -> str:
    """Practical details, one per line, Latin fragments isolated for right-to-left text."""
    d = node.details
    if d is None:
        return ""
    _ = t.gettext
    rtl = t.rtl
    lines: list[str] = []
    # The labels are translated one by one (pybabel does not look inside f-strings).
    if d.address:
        label = _("Address")
        lines.append(f"📍 {label}: {isolate(d.address, rtl)}")
    if d.hours:
        label = _("Opening hours")
        lines.append(f"🕒 {label}: {t.content(content_context(node.id, 'hours'), d.hours)}")
    if d.phone:
        label = _("Phone")
        lines.append(f"📞 {label}: {isolate_ltr(d.phone, rtl)}")
    if d.email:
        label = _("Email")
        lines.append(f"✉️ {label}: {isolate_ltr(d.email, rtl)}")
    for link in d.links:
        title = t.content(content_context(node.id, "link"), link.title)
        lines.append(f"🔗 {title}: {isolate_ltr(link.url, rtl)}")
    return "\n".join(lines)


def render_node(
    content: ContentTree, node: Node, t: Translator, done: set[str], *, notice: str = ""
) -> Outgoing:
    """The message for ``node``: title, body, details, and its options."""
    _ = t.gettext
    parts = [notice] if notice else []
    body = t.content(content_context(node.id, "body"), node.body)
    if body:
        parts.append(body)
    details = details_text(node, t)
    if details:
        parts.append(details)
    if node.step:
        parts.append(("✅ " + _("You have done this step.")) if node.id in done
                     else ("☐ " + _("This is a step on your checklist.")))
    options: list[Option] = []
    for child_id in node.children:
        child = content.nodes[child_id]
        options.append(node_option(child, t, prefix="✅ " if child.id in done else ""))
    if node.step:
        if node.id in done:
            options.append(ui_option(t, "", MARK_NOT_DONE, f"undo:{node.id}"))
        else:
            options.append(ui_option(t, "✔ ", MARK_DONE, f"step:{node.id}"))
    for link_id in node.see_also:
        options.append(node_option(content.nodes[link_id], t, prefix="→ "))
    if node.id != ROOT_ID:
        if node.parent and node.parent != ROOT_ID:
            options.append(ui_option(t, "⬅ ", BACK, "cmd:back"))
        options.append(ui_option(t, "🏠 ", MAIN_MENU, "cmd:menu"))
    place = None
    if node.details and node.details.location:
        loc = node.details.location
        place = Place(loc.lat, loc.lon, node_title(node, t), node.details.address or "")
    contact = None
    if node.details and node.details.phone and node.details.address:
        contact = ContactCard(node_title(node, t), node.details.phone, node.details.email or "")
    return Outgoing(
        text="\n\n".join(parts),
        title=node_title(node, t),
        options=tuple(options),
        location=place,
        contact=contact,
        locale=t.locale,
        rtl=t.rtl,
        node_id=node.id,
    )
