"""The HTTP server every channel is served on: HTTP/1.1 as clients and reverse proxies speak it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.web import MAX_BODY_BYTES, Request, Response, WebServer, header_lines


@pytest.fixture
async def server() -> AsyncIterator[WebServer]:
    web = WebServer("127.0.0.1", 0)
    seen: list[Request] = []

    async def echo(req: Request) -> Response:
        seen.append(req)
        return Response(200, f"{req.method} {req.path} {req.query} {len(req.body)} {req.remote_ip} {req.protocol}",
                        headers={"X-Note": "one\r\nSet-Cookie: injected=1"})

    async def broken(req: Request) -> Response:
        raise RuntimeError("a bug")

    web.add_route("/echo", echo)
    web.add_route("/broken", broken)
    web.seen = seen  # type: ignore[attr-defined]
    await web.start()
    yield web
    await web.stop()


async def exchange(web: WebServer, raw: bytes, answers: int = 1) -> list[tuple[str, dict[str, str], bytes]]:
    """Send ``raw`` on one connection; read ``answers`` responses (status line, headers, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", web.port)
    writer.write(raw)
    got = []
    for _ in range(answers):
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        got.append((head[0], headers, body))
    writer.close()
    return got


async def test_keep_alive_answers_requests_on_one_connection_in_order(server: WebServer) -> None:
    raw = (b"GET /echo?a=1&b=%C3%A9&a=2 HTTP/1.1\r\nHost: x\r\n\r\n"
           b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
           b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
    first, second, third = await exchange(server, raw, 3)
    assert first[0] == "HTTP/1.1 200 OK" and first[2] == b"GET /echo {'a': '2', 'b': '\xc3\xa9'} 0 127.0.0.1 http"
    assert second[2].startswith(b"POST /echo {} 5") and third[0] == "HTTP/1.1 404 Not Found"
    assert "date" in first[1] and "connection" not in first[1]


async def test_a_header_value_never_carries_a_line_break(server: WebServer) -> None:
    [(_, headers, _)] = await exchange(server, b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
    assert headers["x-note"] == "one  Set-Cookie: injected=1" and "set-cookie" not in headers


async def test_fixed_header_lines_are_sent_beside_the_answers_own(server: WebServer) -> None:
    fixed = header_lines({"X-Frame": "none", "X-Bad": "a\nSet-Cookie: injected=1", "X-Cr": "b\rc"})

    async def route(req: Request) -> Response:
        return Response(200, "ok", headers={"X-Own": "1", "X-Lf": "d\ne"}, fixed=fixed)

    server.add_route("/fixed", route)
    [(status, headers, body)] = await exchange(server, b"GET /fixed HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == "HTTP/1.1 200 OK" and body == b"ok"
    assert headers["x-frame"] == "none" and headers["x-own"] == "1" and "date" in headers
    assert headers["x-bad"] == "a Set-Cookie: injected=1" and "set-cookie" not in headers
    assert headers["x-cr"] == "b c" and headers["x-lf"] == "d e", "a bare CR or LF is no line break either"


async def test_chunked_bodies_and_100_continue(server: WebServer) -> None:
    chunked = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    [(status, _, body)] = await exchange(server, chunked)
    assert status == "HTTP/1.1 200 OK" and server.seen[-1].body == b"hello world"  # type: ignore[attr-defined]
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
    assert await reader.readuntil(b"\r\n\r\n") == b"HTTP/1.1 100 Continue\r\n\r\n"
    writer.write(b"abc")
    assert (await reader.readuntil(b"\r\n")).startswith(b"HTTP/1.1 200")
    writer.close()


async def test_proxy_headers_give_the_clients_address_and_scheme(server: WebServer) -> None:
    raw = (b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.0.0.1, 203.0.113.7\r\n"
           b"X-Forwarded-Proto: https\r\n\r\n"
           b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Real-IP: not an address\r\nX-Forwarded-Proto: gopher\r\n\r\n")
    first, second = await exchange(server, raw, 2)
    assert first[2].endswith(b"203.0.113.7 https") and second[2].endswith(b"127.0.0.1 http")


async def test_bad_requests_are_refused_without_calling_a_route(server: WebServer) -> None:
    [(status, headers, _)] = await exchange(
        server, f"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode())
    assert status.startswith("HTTP/1.1 413") and headers["connection"] == "close"
    [(status, _, _)] = await exchange(server, b"NONSENSE\r\n\r\n")
    assert status.startswith("HTTP/1.1 400")
    [(status, _, _)] = await exchange(server, b"OPTIONS /echo HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status.startswith("HTTP/1.1 405")
    assert server.seen == []  # type: ignore[attr-defined]


async def test_a_failing_route_answers_500_without_a_traceback_and_head_has_no_body(server: WebServer) -> None:
    [broken] = await exchange(server, b"GET /broken HTTP/1.1\r\nHost: x\r\n\r\n")
    assert broken[0] == "HTTP/1.1 500 Internal Server Error" and broken[2] == b"internal error"
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    answer = await reader.read()  # the server closes: everything it sent
    writer.close()
    assert answer.startswith(b"HTTP/1.1 200 OK") and b"Content-Length: 2" in answer and answer.endswith(b"\r\n\r\n")


async def test_an_idle_connection_is_closed_but_not_one_with_a_request_in_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.web
    monkeypatch.setattr(bot.web, "IDLE_SECONDS", 0.2)
    web = WebServer("127.0.0.1", 0)
    answer = asyncio.Event()

    async def slow(req: Request) -> Response:
        await answer.wait()
        return Response(200, "late")

    web.add_route("/slow", slow)
    await web.start()
    try:
        idle_reader, _ = await asyncio.open_connection("127.0.0.1", web.port)
        busy_reader, busy_writer = await asyncio.open_connection("127.0.0.1", web.port)
        busy_writer.write(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        assert await asyncio.wait_for(idle_reader.read(), 10) == b"", "closed after it stayed idle"
        answer.set()
        assert (await busy_reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200"), "the waiting request kept"
    finally:
        await web.stop()


async def answer_then_close(web: WebServer, raw: bytes) -> tuple[str, bytes]:
    """Send ``raw``; the status line of the one answer and everything after it until the server closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", web.port)
    writer.write(raw)
    everything = await asyncio.wait_for(reader.read(-1), 10)  # returns once the server has closed
    writer.close()
    head, _, rest = everything.partition(b"\r\n\r\n")
    return head.decode("latin-1").split("\r\n")[0], rest


SMUGGLED = b"GET /echo?smuggled=1 HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.parametrize("framing", [
    b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
    b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
    b"Content-Length: 4\r\nContent-Length: 45\r\n",
], ids=["length-then-chunked", "chunked-then-length", "two-lengths"])
async def test_a_body_framed_two_ways_is_refused_and_the_connection_closed(server: WebServer, framing: bytes) -> None:
    # A proxy and this server disagreeing on where the body ends is how a request is smuggled past the proxy.
    raw = b"POST /echo HTTP/1.1\r\nHost: x\r\n" + framing + b"\r\n0\r\n\r\n" + SMUGGLED
    status, rest = await answer_then_close(server, raw)
    assert status.startswith("HTTP/1.1 400") and rest == b"bad request", "one answer, then the connection closed"
    assert server.seen == []  # type: ignore[attr-defined]


async def test_malformed_header_lines_are_refused(server: WebServer) -> None:
    for case in (b"X-A: one\r\n two\r\n",  # obs-fold (RFC 9112, 5.2)
                 b"X A: b\r\n", b"X-A : b\r\n",  # a space in or after a header's name
                 b"X-A: b\x00c\r\n",  # a control character in a value
                 b"X-A: b\nX-Real-IP: 203.0.113.9\r\n"):  # a bare line feed
        status, rest = await answer_then_close(server, b"GET /echo HTTP/1.1\r\nHost: x\r\n" + case + b"\r\n" + SMUGGLED)
        assert status.startswith("HTTP/1.1 400") and rest == b"bad request", case
    assert server.seen == []  # type: ignore[attr-defined]


async def test_an_oversized_head_is_refused_whole_or_unfinished(server: WebServer) -> None:
    from bot.web import MAX_HEAD_BYTES
    big = b"X-Big: " + b"a" * MAX_HEAD_BYTES + b"\r\n"
    status, _ = await answer_then_close(server, b"GET /echo HTTP/1.1\r\nHost: x\r\n" + big + b"\r\n")
    assert status.startswith("HTTP/1.1 431")
    status, _ = await answer_then_close(server, b"GET /echo HTTP/1.1\r\nHost: x\r\n" + big[:-2])  # never ends
    assert status.startswith("HTTP/1.1 431")
    many = b"".join(b"X-%d: %s\r\n" % (n, b"b" * 1000) for n in range(MAX_HEAD_BYTES // 1000 + 1))
    status, _ = await answer_then_close(server, b"GET /echo HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert status.startswith("HTTP/1.1 431")
    assert server.seen == []  # type: ignore[attr-defined]


async def test_an_upgrade_is_answered_as_plain_http_and_nothing_after_it_read(server: WebServer) -> None:
    upgrade = b"Connection: upgrade\r\nUpgrade: websocket\r\n"
    status, rest = await answer_then_close(server, b"GET /echo HTTP/1.1\r\nHost: x\r\n" + upgrade + b"\r\n" + SMUGGLED)
    assert status == "HTTP/1.1 200 OK" and rest == b"GET /echo {} 0 127.0.0.1 http", "answered once, then closed"
    # llhttp skips the body of an upgrade: it would be read as a request of its own, so it is refused.
    status, rest = await answer_then_close(
        server, b"POST /echo HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: upgrade\r\nContent-Length: "
        + str(len(SMUGGLED)).encode() + b"\r\n\r\n" + SMUGGLED)
    assert status.startswith("HTTP/1.1 400") and len(server.seen) == 1  # type: ignore[attr-defined]


async def test_a_trailer_after_a_chunked_body_is_not_believed(server: WebServer) -> None:
    raw = (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"2\r\nhi\r\n0\r\nX-Real-IP: 203.0.113.9\r\n\r\n")
    [(status, _, body)] = await exchange(server, raw)
    assert status == "HTTP/1.1 200 OK" and body.endswith(b" 2 127.0.0.1 http")
