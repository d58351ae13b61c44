"""A small async client for the Cloud API's ``/<phone-number-id>/messages`` endpoint, on httpx.

Errors are mapped to the core's delivery errors by their Cloud API ``code``
(Meta recommends codes, not titles): 130429 and 131056 (rate limits) are
retried with backoff and then raised as :class:`RetryLater`; 131026 is
:class:`Undeliverable`; 131047 is :class:`OutsideWindow`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.core import DeliveryError, OutsideWindow, RetryLater, Undeliverable

log = logging.getLogger("marhaba.whatsapp")

# Cloud API error codes ("WhatsApp error codes" in Meta's docs).
RATE_LIMIT_CODES = frozenset({130429, 131056, 4, 80007})
"""130429: throughput reached; 131056: too many messages to one user; 4, 80007: app or account rate limits."""
UNDELIVERABLE = 131026
"""Message undeliverable: not a WhatsApp number, an old app, or the user has not accepted the terms."""
OUTSIDE_WINDOW = 131047
"""Re-engagement message: more than 24 hours since the user last wrote; only templates may be sent."""

MAX_ATTEMPTS = 4
"""Tries per message on rate limits and transient network or server errors."""
BACKOFF_SECONDS = 1.0
"""First wait between tries; doubled after each try."""
TIMEOUT_SECONDS = 15.0


class CloudApiError(DeliveryError):
    """The Cloud API refused a message for a reason other than those the core types name.

    ``code`` is the Cloud API error code; the error text is not kept (it may quote the message).
    """

    def __init__(self, code: int | None, http_status: int) -> None:
        super().__init__(f"Cloud API error {code} (HTTP {http_status})")
        self.code = code
        self.http_status = http_status


class CloudApiClient:
    """Send message objects to one business phone number's ``messages`` endpoint.

    ``base_url`` includes the Graph API version (``https://graph.facebook.com/v21.0``);
    it is configurable for business solution providers and tests. The token is
    sent as a bearer header and never appears in ``repr``, logs or errors.
    """

    def __init__(self, base_url: str, phone_number_id: str, token: str, *,
                 backoff: float = BACKOFF_SECONDS, max_attempts: int = MAX_ATTEMPTS,
                 http: httpx.AsyncClient | None = None) -> None:
        self.url = f"{base_url.rstrip('/')}/{phone_number_id}/messages"
        self.media_url = f"{base_url.rstrip('/')}/{phone_number_id}/media"
        self.backoff = backoff
        self.max_attempts = max_attempts
        self._http = http or httpx.AsyncClient(timeout=TIMEOUT_SECONDS,
                                               limits=httpx.Limits(max_connections=50))
        self._headers = {"Authorization": f"Bearer {token}"}
        self.gate: Callable[[], Awaitable[None]] | None = None
        """Awaited before each message request: the platform's cap across processes (``bot.channels._rates``)."""

    def __repr__(self) -> str:
        return f"CloudApiClient(url={self.url!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(self, to: str, message: dict[str, Any]) -> str:
        """Send one message object to ``to`` (a WhatsApp id); return the message id the API gives.

        Raises :class:`RetryLater`, :class:`Undeliverable`, :class:`OutsideWindow` or :class:`CloudApiError`.
        """
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **message}
        delay = self.backoff
        for attempt in range(1, self.max_attempts + 1):
            if self.gate is not None:
                await self.gate()
            try:
                resp = await self._http.post(self.url, json=body, headers=self._headers)
            except httpx.HTTPError as exc:
                error: DeliveryError = RetryLater(delay)
                log.warning("Cloud API request failed (%s), attempt %d", type(exc).__name__, attempt)
            else:
                if resp.status_code < 300:
                    return _message_id(resp)
                error = _error(resp, delay)
                if not isinstance(error, RetryLater):
                    raise error
                log.warning("Cloud API asked to slow down (HTTP %d), attempt %d", resp.status_code, attempt)
            if attempt < self.max_attempts:
                await asyncio.sleep(delay)
                delay *= 2
        raise error

    async def upload(self, data: bytes, filename: str, mime: str) -> str:
        """Upload a file to the ``media`` endpoint (multipart); return the media id to send it by.

        Raises :class:`RetryLater` or :class:`CloudApiError` like :meth:`send` (without retrying).
        """
        try:
            resp = await self._http.post(self.media_url, headers=self._headers,
                                         data={"messaging_product": "whatsapp", "type": mime},
                                         files={"file": (filename, data, mime)})
        except httpx.HTTPError:
            raise RetryLater(self.backoff) from None
        if resp.status_code >= 300:
            raise _error(resp, self.backoff)
        try:
            return str(resp.json()["id"])
        except (ValueError, KeyError, TypeError):
            raise CloudApiError(None, resp.status_code) from None


def _message_id(resp: httpx.Response) -> str:
    try:
        messages = resp.json().get("messages") or [{}]
        return str(messages[0].get("id", ""))
    except (ValueError, AttributeError, IndexError):
        return ""


def _error(resp: httpx.Response, delay: float) -> DeliveryError:
    code: int | None = None
    try:
        err = resp.json().get("error") or {}
        code = err.get("code") if isinstance(err.get("code"), int) else None
    except (ValueError, AttributeError):
        pass
    if code in RATE_LIMIT_CODES or resp.status_code == 429 or (code is None and resp.status_code >= 500):
        retry_after = resp.headers.get("Retry-After", "")
        return RetryLater(float(retry_after) if retry_after.isdigit() else delay)
    if code == UNDELIVERABLE:
        return Undeliverable(f"Cloud API error {UNDELIVERABLE}: message undeliverable")
    if code == OUTSIDE_WINDOW:
        return OutsideWindow(f"Cloud API error {OUTSIDE_WINDOW}: outside the 24-hour window")
    return CloudApiError(code, resp.status_code)
