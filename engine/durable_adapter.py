"""The one module that talks to durable-rules.

It absorbs the engine's measured pitfalls (shared/domain/durable_rules.md):
- rulesets are global by name and cannot be registered twice: names carry a hash of their
  content and are registered once per process;
- at most 1,024 live sessions per ruleset: every session is deleted in a `finally`;
- a message no rule matches raises: callers compile a rule for every outcome, and that error
  is still turned into an EngineError naming the ruleset;
- exceptions inside actions are stored in the session state, not raised: they are re-raised;
- it mutates the ruleset definitions it registers: it is given copies;
- the host is not thread-safe and never releases the GIL: one lock serialises every call, the
  host is created under that lock, and its own polling threads are never started.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import itertools
import json
import threading
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from durable.engine import Host, MessageNotHandledException

from engine.errors import EngineError

Json = dict[str, Any]


class Fired(NamedTuple):
    """One rule firing: the action's name and the message (or joined facts) it fired on. A named
    tuple (immutable like a frozen dataclass, built several times per request at a fraction of its cost)."""

    action: str
    message: Mapping[str, Any]


def ruleset_name(base: str, rules: Json) -> str:
    digest = hashlib.sha256(json.dumps(rules, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return f"{base}@{digest}"


# durable's C JSON reader gives no match at all for a number written with an exponent and no decimal
# point ("1e-05", "1e+20", as Python writes floats below 1e-4 or from 1e16), so such a fact silently
# matched no rule. Those magnitudes are moved to the nearest plainly written value that compares the
# same way with every threshold a guideline uses: a tiny non-zero number to 0.0001 (still above zero),
# a huge one to 10**15 (still above any dose, count or duration). Other numbers are sent unchanged.
_SMALLEST_PLAIN = 0.0001
_LARGEST_PLAIN = 10**15


def to_json_number(value: float) -> int | float:
    if value != value:  # NaN: the case model refuses it; never send it
        raise ValueError("not a number")
    if abs(value) >= _LARGEST_PLAIN:
        return _LARGEST_PLAIN if value > 0 else -_LARGEST_PLAIN
    if 0 < abs(value) < _SMALLEST_PLAIN:
        return _SMALLEST_PLAIN if value > 0 else -_SMALLEST_PLAIN
    return value


def to_json_value(value: Any) -> Any:
    """durable-rules accepts JSON values only."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return to_json_number(value)
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    return value


class _RecordingHost(Host):  # type: ignore[misc]
    """A Host whose every action records its firing into the session being run."""

    def __init__(self) -> None:
        self.sink: list[Fired] | None = None
        super().__init__()

    def _run(self) -> None:
        """Start no background threads.

        A stock Host polls every ruleset from two timer threads (for durable's timers and for
        messages queued between rulesets). Those threads call into the C core without any lock
        and crashed the process here (a segmentation fault while the main thread asserted facts).
        imrcheck uses neither timers nor queued messages, so nothing needs polling.
        """

    def get_action(self, action_name: str) -> Any:
        def record(c: Any) -> None:
            if self.sink is None:  # pragma: no cover - only if durable fires outside a run
                raise RuntimeError("durable-rules fired outside an evaluation")
            self.sink.append(Fired(action_name, _message_of(c)))

        return record


def _message_of(closure: Any) -> dict[str, Any]:
    """The message a rule fired on. durable hands a single-message rule the dict it has just parsed
    from its own JSON (under "m"), which nothing else holds, so it is taken as it is; anything else
    (a join's list of messages) goes through durable's Content wrapper."""
    raw = closure._m
    if isinstance(raw, dict):
        single = raw.get("m")
        if isinstance(single, dict):
            return single
    return _content(closure.m)


def _content(payload: Any) -> dict[str, Any]:
    raw = getattr(payload, "_d", payload)
    if isinstance(raw, dict):
        return {k: _content(v) if hasattr(v, "_d") else v for k, v in raw.items()}
    return {"value": raw}


class _Process:
    """The one durable host of this process and what is registered on it.

    Two hosts in one process register rulesets of the same name in the C core and crash it
    (a segmentation fault seen here), so every DurableEngine shares this one.
    """

    lock = threading.RLock()
    host: _RecordingHost | None = None
    registered: set[str] = set()  # noqa: RUF012 - process-wide by design, guarded by `lock`
    sessions = itertools.count()


class DurableEngine:
    """Registers compiled rulesets once per process and runs one short-lived session per evaluation."""

    @property
    def host(self) -> _RecordingHost:
        with _Process.lock:
            if _Process.host is None:
                _Process.host = _RecordingHost()
            return _Process.host

    def ensure(self, name: str, rules: Json) -> None:
        with _Process.lock:
            if name not in _Process.registered:
                # durable-rules consumes the definition it is given (it removes each rule's "run"),
                # so it gets a copy: the caller's dict names the ruleset by content and is reused.
                self.host.set_rulesets({name: copy.deepcopy(rules)})
                _Process.registered.add(name)

    @property
    def registered(self) -> frozenset[str]:
        with _Process.lock:
            return frozenset(_Process.registered)

    def run(self, name: str, events: Sequence[Json] = (), facts: Sequence[Json] = ()) -> list[Fired]:
        """Post events and assert facts in a fresh session; return what fired. The session is deleted.
        The messages given are never changed (each is posted as a stamped copy): callers may share them.

        durable returns the session's state from each call, with an action's stored exception in it,
        so that state is checked as it comes back rather than read again with `get_state` (one JSON
        round trip of the whole state less per session). A plain try/finally rather than a context
        manager: this runs several times per request, and the generator protocol cost more than the
        rest of the adapter's own work."""
        with _Process.lock:
            host = _Process.host or self.host
            sid = f"s{next(_Process.sessions)}"
            fired: list[Fired] = []
            host.sink = fired
            try:
                if facts:
                    self._check(host.assert_facts(name, _stamped(facts, sid)), name)
                if events:
                    self._check(host.post_batch(name, _stamped(events, sid)), name)
            except MessageNotHandledException as exc:
                raise EngineError(f"ruleset {name}: no rule handles a message ({exc})") from None
            finally:
                host.sink = None
                # A session that never got a message has no state to delete. (A plain try: cheaper
                # than contextlib.suppress, and this runs once per session.)
                try:  # noqa: SIM105
                    host.delete_state(name, sid)
                except Exception:
                    pass
            return fired

    @staticmethod
    def _check(state: Any, name: str) -> None:
        if isinstance(state, dict) and state.get("exception"):
            raise EngineError(f"ruleset {name}: an action failed: {state['exception']}")


# Values durable's JSON takes as they are; anything else (dates, floats, lists) goes through
# to_json_value. Checked by exact type: bool is a subclass of int, and both are plain.
_PLAIN_TYPES = frozenset({str, int, bool, type(None)})


def _stamped(messages: Sequence[Json], sid: str) -> list[Json]:
    """Every message stamped; the common one, all of whose values are plain JSON, with one dict merge
    (the check runs in C), the others through `_stamp`."""
    plain = _PLAIN_TYPES.issuperset
    return [{**m, "sid": sid, "seq": n} if plain(map(type, m.values())) else _stamp(m, sid, n)
            for n, m in enumerate(messages)]


def _stamp(message: Json, sid: str, n: int) -> Json:
    # A sequence number keeps two equal facts distinct: durable treats identical facts as one
    # and raises when the second is asserted.
    stamped = {k: v if type(v) in _PLAIN_TYPES else to_json_value(v) for k, v in message.items()}
    stamped["sid"] = sid
    stamped["seq"] = n
    return stamped


def host_started() -> bool:
    """Whether this process has made its durable host (after which it must not be forked)."""
    with _Process.lock:
        return _Process.host is not None


def shared_engine() -> DurableEngine:
    """A handle on the process's one durable host."""
    return DurableEngine()
