"""Many clients at once: every engine call is serialised on the app's engine thread, so every answer
is the one the same request gets alone."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from server.server_support import EXAMPLES, LETTER_FIXTURES, Reply, Server, example

Call = Callable[[Server], Reply]


def _calls() -> list[Call]:
    calls: list[Call] = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        case = example(path.stem)
        calls.append(lambda s, case=case: s.post_json("/api/check", case))
        calls.append(lambda s, case=case: s.post_json("/api/missing", case))
    for relief in (20, 60, 90):
        body = {"treatment": "TFESI", "region": "lumbar", "repeat": True, "request_date": "2014-09-02",
                "answers": {"history.injections.relief_pct": relief}}
        calls.append(lambda s, body=body: s.post_json("/api/questionnaire", body))
    letter = (LETTER_FIXTURES / "synthetic_header_layout.txt").read_bytes()
    calls.append(lambda s: s.upload("synthetic_header_layout.txt", letter))
    return calls


def test_concurrent_requests_all_get_their_own_correct_answer(server: Server) -> None:
    calls = _calls()
    alone = [call(server) for call in calls]
    assert all(reply.status == 200 for reply in alone), [r.text for r in alone if r.status != 200]
    rounds = 4
    with ThreadPoolExecutor(max_workers=16) as pool:
        together = list(pool.map(lambda i: calls[i % len(calls)](server), range(len(calls) * rounds)))
    for i, reply in enumerate(together):
        expected = alone[i % len(calls)]
        assert (reply.status, reply.json()) == (expected.status, expected.json()), f"call {i % len(calls)}"
    assert server.get("/api/health").status == 200
