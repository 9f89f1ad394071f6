"""Size caps over real HTTP: an over-size body is refused with 413 before it is read whole."""

from __future__ import annotations

import json

from server.server_support import LETTER_FIXTURES, SMALL_BODY, SMALL_UPLOAD, Reply, Server, example, multipart


def _reply(server: Server, connection_response: object) -> Reply:
    response = connection_response
    body = response.read()  # type: ignore[attr-defined]
    return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, body)  # type: ignore[attr-defined]


def test_a_declared_over_size_body_is_refused_before_it_is_sent(small_server: Server) -> None:
    connection = small_server.connection()
    try:
        connection.putrequest("POST", "/api/check")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(SMALL_BODY + 1))
        connection.endheaders()  # not one byte of the body follows: the answer cannot depend on reading it
        reply = _reply(small_server, connection.getresponse())
    finally:
        connection.close()
    assert reply.status == 413
    [problem] = reply.problems()
    assert problem["loc"] == ["body"]
    assert f"{SMALL_BODY:,} bytes" in problem["msg"]


def test_a_streamed_body_is_counted_and_refused_once_over_the_limit(small_server: Server) -> None:
    connection = small_server.connection()
    chunk = b" " * 512
    try:
        connection.putrequest("POST", "/api/check")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for _ in range(SMALL_BODY // len(chunk) + 1):
            connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        connection.send(b"0\r\n\r\n")
        reply = _reply(small_server, connection.getresponse())
    finally:
        connection.close()
    assert reply.status == 413
    assert reply.problems()[0]["loc"] == ["body"]


def test_an_over_size_upload_is_413(small_server: Server) -> None:
    reply = small_server.upload("big.txt", b"An invented letter line.\n" * (SMALL_UPLOAD // 20))
    assert reply.status == 413
    assert f"{SMALL_UPLOAD:,} bytes" in reply.problems()[0]["msg"]


def test_bodies_under_the_limits_are_served(small_server: Server) -> None:
    case = example("repeat_esi_missing_relief")
    body = json.dumps(case).encode()
    assert len(body) < SMALL_BODY
    assert small_server.post_raw("/api/check", body.ljust(SMALL_BODY), "application/json").status == 200
    # A letter larger than the JSON limit is still read: uploads have their own, larger limit.
    letter = (LETTER_FIXTURES / "notice_2013.txt").read_bytes()
    data, content_type = multipart("letter", "notice_2013.txt", letter)
    assert SMALL_BODY < len(data) < SMALL_UPLOAD
    assert small_server.post_raw("/api/parse", data, content_type).status == 200


def test_a_json_body_over_the_limit_is_413_on_every_endpoint(small_server: Server) -> None:
    case = example("repeat_esi_missing_relief")
    case["case_id"] = "x" * SMALL_BODY
    for path in ("/api/check", "/api/missing", "/api/questionnaire", "/api/case.yaml"):
        reply = small_server.post_json(path, case)
        assert reply.status == 413, path
