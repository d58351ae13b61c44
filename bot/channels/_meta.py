"""What Meta's two platforms (the WhatsApp Cloud API and the Messenger Platform) share for webhooks: the
verify-token handshake and the ``X-Hub-Signature-256`` check, written once.

https://developers.facebook.com/docs/graph-api/webhooks/getting-started
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Hub-Signature-256"
"""Meta signs every webhook POST: ``sha256=<hex HMAC-SHA256 of the raw body keyed with the app secret>``."""
_SIGNATURE_PREFIX = "sha256="


def verify_challenge(query: Mapping[str, str], verify_token: str) -> str | None:
    """The ``hub.challenge`` to echo when the subscription request carries our verify token, else ``None``."""
    if query.get("hub.mode") != "subscribe" or not verify_token:
        return None
    if not hmac.compare_digest(query.get("hub.verify_token", "").encode(), verify_token.encode()):
        return None
    return query.get("hub.challenge", "")


def signature(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` value for ``body`` (to check, and for tests to sign)."""
    return _SIGNATURE_PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(body: bytes, header: str, app_secret: str) -> bool:
    """Constant-time check of the ``X-Hub-Signature-256`` header against the raw body."""
    if not header.startswith(_SIGNATURE_PREFIX) or not app_secret:
        return False
    return hmac.compare_digest(header.strip().encode(), signature(body, app_secret).encode())
