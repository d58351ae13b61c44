"""A small async client for the Graph API endpoints the Messenger channel uses, on httpx.

* ``POST /me/messages`` (the Send API), JSON or multipart for a file;
* ``GET /<psid>?fields=locale`` (the user profile API), for the language picker's hint;
* ``POST /me/messenger_profile`` (the Get Started button and the persistent menu).

Errors are mapped to the core's delivery errors by their Graph ``code`` and ``error_subcode``
("Messenger Platform error codes", https://developers.facebook.com/docs/messenger-platform/error-codes).
One call is one request: waiting out a rate limit is the caller's (:func:`bot.core.retrying`).
The page token goes in a bearer header, never in a URL, ``repr``, log line or error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.core import Blocked, DeliveryError, OutsideWindow, RetryLater, Undeliverable

log = logging.getLogger("marhaba.messenger")

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613})
"""4: application request limit; 17: user request limit; 32: page request limit; 613: calls to this API
exceeded the rate limit (https://developers.facebook.com/docs/graph-api/overview/rate-limiting#errorcodes)."""
TRANSIENT_CODES = frozenset({1, 2})
"""1: unknown error, 2: service temporarily unavailable: "retry your request later"."""
UNAVAILABLE_CODE = 551
"""551 (subcode 1545041): "This person isn't available right now": they blocked the page or left Messenger."""
UNAVAILABLE_SUBCODE = 1545041
OUTSIDE_WINDOW_SUBCODE = 2018278
"""Code 10, subcode 2018278: "Message sent outside of allowed window"."""
NO_USER_SUBCODE = 2018001
"""Code 100, subcode 2018001: "No matching user found" (a forged or another page's id)."""

BACKOFF_SECONDS = 1.0
"""Wait after a first "slow down" without a ``Retry-After``; doubled after each one (the caller's budget caps it)."""
TIMEOUT_SECONDS = 15.0


class GraphError(DeliveryError):
    """The Graph API refused a call for a reason the core's errors do not name; the error text is not kept."""

    def __init__(self, code: int | None, subcode: int | None, http_status: int) -> None:
        super().__init__(f"Graph API error {code}/{subcode} (HTTP {http_status})")
        self.code, self.subcode, self.http_status = code, subcode, http_status


class GraphClient:
    """Calls on behalf of one Facebook Page (its page access token)."""

    def __init__(self, base_url: str, page_token: str, *, http: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = http or httpx.AsyncClient(timeout=TIMEOUT_SECONDS, limits=httpx.Limits(max_connections=50))
        self._headers = {"Authorization": f"Bearer {page_token}"}
        self.gate: Callable[[], Awaitable[None]] | None = None
        """Awaited before each message sent: the platform's cap across processes (``bot.channels._rates``)."""

    def __repr__(self) -> str:
        return f"GraphClient(base_url={self.base_url!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(self, psid: str, message: dict[str, Any], messaging_type: str, tag: str | None = None,
                   *, backoff: float = BACKOFF_SECONDS) -> str:
        """Send one Send API ``message`` to ``psid``; the ``message_id`` Meta gives.

        Raises :class:`RetryLater` (after ``backoff`` without a ``Retry-After``), :class:`Blocked`,
        :class:`OutsideWindow`, :class:`Undeliverable` or :class:`GraphError`.
        """
        body: dict[str, Any] = {"recipient": {"id": psid}, "messaging_type": messaging_type, "message": message}
        if tag is not None:
            body["tag"] = tag
        if self.gate is not None:
            await self.gate()
        return _message_id(await self._post("/me/messages", backoff, json=body))

    async def send_file(self, psid: str, filename: str, data: bytes, mime: str, messaging_type: str,
                        tag: str | None = None, *, backoff: float = BACKOFF_SECONDS) -> str:
        """Send a file as an attachment uploaded with the message (multipart ``filedata``)."""
        fields = {"recipient": json.dumps({"id": psid}), "messaging_type": messaging_type,
                  "message": json.dumps({"attachment": {"type": "file", "payload": {"is_reusable": False}}})}
        if tag is not None:
            fields["tag"] = tag
        if self.gate is not None:
            await self.gate()
        resp = await self._post("/me/messages", backoff, data=fields, files={"filedata": (filename, data, mime)})
        return _message_id(resp)

    async def profile_locale(self, psid: str) -> str | None:
        """The person's Facebook locale (``ar_AR``) where Meta gives it; ``None`` on any failure."""
        try:
            resp = await self._http.get(f"{self.base_url}/{psid}", params={"fields": "locale"}, headers=self._headers)
            locale = resp.json().get("locale") if resp.status_code < 300 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            return None
        return locale if isinstance(locale, str) and locale else None

    async def set_profile(self, profile: dict[str, Any]) -> None:
        """Set Messenger Profile properties (``get_started``, ``persistent_menu``)."""
        await self._post("/me/messenger_profile", BACKOFF_SECONDS, json=profile)

    async def _post(self, path: str, backoff: float, **kwargs: Any) -> httpx.Response:
        try:
            resp = await self._http.post(self.base_url + path, headers=self._headers, **kwargs)
        except httpx.HTTPError as exc:
            log.warning("Graph API request failed (%s)", type(exc).__name__)
            raise RetryLater(backoff) from None
        if resp.status_code >= 300:
            raise graph_error(resp, backoff)
        return resp


def _message_id(resp: httpx.Response) -> str:
    try:
        return str(resp.json().get("message_id", ""))
    except (ValueError, AttributeError):
        return ""


def graph_error(resp: httpx.Response, backoff: float) -> DeliveryError:
    """The core's error for a refused call (by code and subcode; the message text is never kept)."""
    code: int | None = None
    subcode: int | None = None
    try:
        err = resp.json().get("error") or {}
        code = err.get("code") if isinstance(err.get("code"), int) else None
        subcode = err.get("error_subcode") if isinstance(err.get("error_subcode"), int) else None
    except (ValueError, AttributeError):
        pass
    if code in RATE_LIMIT_CODES or code in TRANSIENT_CODES or resp.status_code == 429 or (
            code is None and resp.status_code >= 500):
        retry_after = resp.headers.get("Retry-After", "")
        return RetryLater(float(retry_after) if retry_after.isdigit() else backoff)
    if code == UNAVAILABLE_CODE or subcode == UNAVAILABLE_SUBCODE:
        return Blocked("Graph API error 551: this person isn't available right now")
    if subcode == OUTSIDE_WINDOW_SUBCODE:
        return OutsideWindow("Graph API error 10/2018278: outside the 24-hour window")
    if subcode == NO_USER_SUBCODE:
        return Undeliverable("Graph API error 100/2018001: no matching user")
    return GraphError(code, subcode, resp.status_code)
