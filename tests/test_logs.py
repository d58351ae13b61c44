"""bot.logs on its own: the pseudonym key is set through a function, secrets are redacted once remembered."""

from __future__ import annotations

import logging

import pytest

from bot import logs


@pytest.fixture
def restore_key():
    before = logs._pseudonym_key
    yield
    logs.set_pseudonym_key(before)


def test_pseudonyms_follow_the_key_that_was_set(restore_key: None) -> None:
    logs.set_pseudonym_key(b"k" * 32)
    first = logs.pseudonym("telegram", "4915112345678")
    assert first == logs.pseudonym("telegram", "4915112345678") and "4915112345678" not in first
    logs.set_pseudonym_key(b"another key of 32 bytes, exactly")
    assert logs.pseudonym("telegram", "4915112345678") != first
    with pytest.raises(ValueError):
        logs.set_pseudonym_key(b"")


def test_a_remembered_secret_is_redacted_from_messages_and_tracebacks() -> None:
    logs.remember_secret("s3cret-token-value")
    record = logging.LogRecord("marhaba", logging.ERROR, __file__, 1, "calling %s", ("https://x/s3cret-token-value",),
                               None)
    try:
        raise RuntimeError("token s3cret-token-value refused")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    assert logs.RedactSecrets().filter(record)
    assert "s3cret-token-value" not in record.getMessage() and logs.REDACTED in record.getMessage()
    assert record.exc_text and "s3cret-token-value" not in record.exc_text


def test_safe_traceback_names_the_error_and_withholds_its_message() -> None:
    typed = "".join(["Amina", " from ", "Aleppo"])  # what a user wrote, not in the source lines shown
    try:
        {}[typed]
    except KeyError as exc:
        text = logs.safe_traceback(exc)
    assert text.startswith("KeyError (message withheld)") and typed not in text


def test_http_clients_log_no_line_per_request_but_keep_their_warnings() -> None:
    """httpx writes every request's URL at INFO: one line per message sent, nothing an operator needs."""
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore", "aiosqlite")]
    before = [logger.level for logger in loggers]
    try:
        for logger in loggers:
            logger.setLevel(logging.DEBUG)
        logs.protect_logging()
        httpx_log, httpcore_log, aiosqlite_log = loggers
        assert not httpx_log.isEnabledFor(logging.INFO) and httpx_log.isEnabledFor(logging.WARNING)
        assert not httpcore_log.isEnabledFor(logging.INFO)
        assert aiosqlite_log.isEnabledFor(logging.INFO) and not aiosqlite_log.isEnabledFor(logging.DEBUG)
    finally:
        for logger, level in zip(loggers, before, strict=True):
            logger.setLevel(level)
