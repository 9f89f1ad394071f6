"""`/api/check` and `/api/missing` with companion chains (issue 17): a chain listed backwards is
answered, a cycle is a 4xx naming the field, never a 500 and never the submitted ids."""

from __future__ import annotations

import pytest
from server.server_support import Server

CHAIN = [
    {"id": "sed", "treatment": "IV sedation", "companion_of": "fluoro"},
    {"id": "fluoro", "treatment": "fluoroscopy", "companion_of": "esi"},
    {"id": "esi", "treatment": "lumbar epidural steroid injection", "region": "lumbar"},
]
CYCLE = [
    {"id": "aa-secret", "treatment": "fluoroscopy", "companion_of": "bb-secret"},
    {"id": "bb-secret", "treatment": "IV sedation", "companion_of": "aa-secret"},
]


@pytest.mark.parametrize("path", ["/api/check", "/api/missing"])
def test_chain_listed_backwards_is_answered(server: Server, path: str) -> None:
    reply = server.post_json(path, {"request_date": "2015-03-01", "requests": CHAIN})
    assert reply.status == 200, reply.text
    assert [r["id"] for r in reply.json()["requests"]] == ["sed", "fluoro", "esi"]


@pytest.mark.parametrize("path", ["/api/check", "/api/missing"])
def test_cycle_is_refused_without_echo(server: Server, path: str) -> None:
    reply = server.post_json(path, {"request_date": "2015-03-01", "requests": CYCLE})
    assert 400 <= reply.status < 500, reply.text
    assert "companion_of" in reply.text and "cycle" in reply.text
    assert "secret" not in reply.text
