"""From a criteria set's leaf outcomes (decided by durable-rules) to its findings.

Per set, once per process: where each criterion's leaves lie among the compiled leaves, its
citation line and which texts name a placeholder. Per evaluation: every leaf's fact observed and
posted to the set's ruleset (through `run`, the evaluator's durable session), the silent-record
rules applied (engine/silent.py), the outcomes combined with Kleene logic into one Finding per
criterion. The results are built with `Result.trusted`: their parts are already valid (the pack,
the case, durable's outcomes), and validating them again was a tenth of an evaluation.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.compiler import CompiledSet
from engine.criteria.schema import AllOf, AnyOf, CriteriaSet, Criterion, Leaf, Node, NotOf
from engine.errors import EngineError
from engine.explain import citation_line, fixed_text, render, say
from engine.facts import Observation, Scope, observer
from engine.logic import Status, all_of, any_of, negate
from engine.memo import Bounded
from engine.operators import OPERATORS
from engine.results import OUTSIDE_DATES, Finding, LeafResult
from engine.silent import read_as

_MEMO_SIZE = 1024  # per set: a few dozen patterns in practice (656 entries over 27 sets after 666 letters)
Run = Callable[[list[dict[str, Any]]], Mapping[str, Status]]


@dataclass(frozen=True)
class _LeafPlan:
    key: str
    leaf: Leaf
    observe: Callable[[Scope], Observation]  # the leaf's reader, its path resolved once
    nothing: Observation | None  # what the reader returns, shared, when the records hold nothing
    no_value: dict[str, Any]  # the leaf's message without a value, shared: the adapter copies what it posts
    measure: Callable[[Any, dt.date], Any]  # the operator's measure (a date as days before, ...)
    ask: str | None  # the ask as rendered when it names no placeholder


@dataclass(frozen=True)
class _CriterionPlan:
    criterion: Criterion
    start: int  # its leaves are the set's leaves[start:stop], in the tree's order
    stop: int
    confidence: str
    leaves: tuple[Leaf, ...]
    combine: Callable[[Sequence[Status]], Status]  # the criterion's Kleene tree over its leaves' outcomes
    messages: Mapping[str, str | None]  # per status, the message as rendered when it names no placeholder


@dataclass(frozen=True)
class SetPlan:
    """What every evaluation of one criteria set reads the same way."""

    criteria_set: CriteriaSet
    compiled: CompiledSet
    citation: str
    leaves: tuple[_LeafPlan, ...]
    criteria: tuple[_CriterionPlan, ...]
    ruled: tuple[int, ...]  # the leaves with a silent-record rule (if_silent other than "against")
    # What other readers of the set work out once per leaf (engine/flip.py: a hint's words), keyed by
    # (criterion id, leaf index, ...); filled as they ask.
    memo: Bounded[tuple[Any, ...], Any] = field(default_factory=lambda: Bounded(_MEMO_SIZE), compare=False, repr=False)

    def criterion(self, criterion_id: str) -> tuple[Criterion, tuple[Leaf, ...]]:
        """A criterion of the set and its leaves in the tree's order."""
        cp = next(cp for cp in self.criteria if cp.criterion.id == criterion_id)
        return cp.criterion, cp.leaves

    def remember(self, key: tuple[Any, ...], value: Any) -> None:
        """Keep `value` in the memo, which stays bounded: past its size it is emptied and refilled
        (its entries are patterns of outcomes, few per criterion in practice)."""
        self.memo.put(key, value)


def plan_set(cs: CriteriaSet, compiled: CompiledSet) -> SetPlan:
    leaves = tuple(_LeafPlan(cl.key, cl.leaf, *observer(cl.leaf), {"leaf": cl.key},
                             OPERATORS[cl.leaf.op].measure, fixed_text(cl.leaf.ask))
                   for cl in compiled.leaves)
    plans = []
    start = 0
    for criterion in cs.criteria:
        stop = start
        while stop < len(compiled.leaves) and compiled.leaves[stop].criterion == criterion.id:
            stop += 1
        messages = {status: fixed_text(getattr(criterion.messages, status)) for status in ("met", "unmet", "missing")}
        combine, count = _combiner(criterion.when, 0)
        if count != stop - start:  # the compiler lists a criterion's leaves in its tree's order
            raise EngineError(f"criteria set {cs.id}: criterion {criterion.id} has {count} leaves, compiled {stop - start}")
        plans.append(_CriterionPlan(criterion, start, stop, criterion.confidence or cs.confidence,
                                    tuple(cl.leaf for cl in compiled.leaves[start:stop]), combine, messages))
        start = stop
    if start != len(compiled.leaves):  # the compiler lists leaves criterion by criterion
        raise EngineError(f"criteria set {cs.id}: compiled leaves out of the criteria's order")
    ruled = tuple(i for i, cl in enumerate(compiled.leaves) if cl.leaf.if_silent != "against")
    return SetPlan(cs, compiled, citation_line(cs), leaves, tuple(plans), ruled)


def set_findings(plan: SetPlan, scope: Scope, run: Run, *, outside: bool = False) -> list[Finding]:
    """One finding per criterion of the set, in the set's order. `outside`: the set judges a date outside
    its own dates (the nearest clinical edition), which every finding's message says."""
    as_of = scope.as_of
    observations = []
    events: list[dict[str, Any]] = []
    for lp in plan.leaves:
        obs = lp.observe(scope)
        observations.append(obs)
        if obs is lp.nothing:  # no value: every measure gives none, and the message is the leaf's own
            events.append(lp.no_value)
            continue
        value = lp.measure(obs.value, as_of)
        events.append(lp.no_value if value is None else {"leaf": lp.key, "v": value})
    statuses = run(events)
    try:
        strict = [statuses[lp.key] for lp in plan.leaves]
    except KeyError:
        unanswered = [lp.key for lp in plan.leaves if lp.key not in statuses]
        raise EngineError(f"criteria set {plan.criteria_set.id}: no outcome for leaves {unanswered}") from None
    # Only leaves with a silent-record rule can read otherwise (a few in the pack).
    as_read = statuses if not plan.ruled else read_as(
        [plan.compiled.leaves[i] for i in plan.ruled], statuses, [observations[i] for i in plan.ruled], run, as_of,
        presume_absent=scope.request.repeat is not True)
    read = strict if as_read is statuses else [as_read[lp.key] for lp in plan.leaves]
    # Most leaves read nothing (the records are silent): such a leaf's result is the same in every
    # case with the same outcomes, and so is a finding made only of them when its message names no
    # placeholder. Those are built once and shared (results are immutable), keyed by what decides them.
    keys = _silent_keys(plan.leaves, strict, read, observations)
    memo = plan.memo
    findings = []
    for cp in plan.criteria:
        own = keys[cp.start:cp.stop]
        finding_key = ("finding", cp.start, outside, own) if None not in own else None
        found = memo.get(finding_key) if finding_key is not None else None
        findings.append(found if found is not None else
                        _finding(plan, cp, strict, read, observations, own, finding_key, scope, outside))
    return findings


def _finding(plan: SetPlan, cp: _CriterionPlan, strict: list[Status], read: list[Status],
             observations: list[Observation], keys: Sequence[tuple[Any, ...] | None],
             finding_key: tuple[Any, ...] | None, scope: Scope, outside: bool) -> Finding:
    start, stop = cp.start, cp.stop
    statuses, observed = strict[start:stop], observations[start:stop]
    as_read = statuses if read is strict else read[start:stop]
    lps = plan.leaves[start:stop]
    criterion = cp.criterion
    status = cp.combine(statuses)
    # Read as the records were, unless a silent-record rule changed a leaf's outcome.
    read_status = status if as_read == statuses else cp.combine(as_read)
    request = scope.request
    message = cp.messages[status]
    shared = finding_key is not None and message is not None
    if message is None:
        template = getattr(criterion.messages, status)
        # What was seen is spelled out only for a message that quotes it.
        seen = _seen(cp.leaves, observed) if "{seen" in template else ""
        message = render(template, request=request, seen=seen)
    cs = plan.criteria_set
    if outside:
        message = f"{message} [{cs.id}: {OUTSIDE_DATES}]"
    leaf_results = []
    evidence: list[str] = []
    for lp, s, r, obs, key in zip(lps, statuses, as_read, observed, keys, strict=True):
        result: LeafResult | None = plan.memo.get(key) if key is not None else None
        if result is None:
            leaf = lp.leaf
            ask = lp.ask if lp.ask is not None else render(leaf.ask, request=request, item=obs.item, value=leaf.value)
            result = LeafResult.trusted(
                path=leaf.path, op=leaf.op, threshold=leaf.value, status=s, observed=obs.value,
                evidence=tuple([f"{p}: {say(v)}" for p, v in obs.evidence]), ask=ask, read_as=r,
                if_silent=leaf.if_silent,
            )
            if key is not None:
                plan.remember(key, result)
        evidence.extend(result.evidence)
        leaf_results.append(result)
    finding = Finding.trusted(
        criteria_set=cs.id, criterion=criterion.id, title=criterion.title, status=status, read_as=read_status,
        evidence=tuple(evidence), citation=plan.citation, message=message,
        confidence=cp.confidence, source=cs.source, leaves=tuple(leaf_results),
    )
    if shared and finding_key is not None:
        plan.remember(finding_key, finding)
    return finding


def _silent_keys(lps: Sequence[_LeafPlan], statuses: Sequence[Status], as_read: Sequence[Status],
                 observed: Sequence[Observation]) -> tuple[tuple[Any, ...] | None, ...]:
    """Per leaf, a key when the leaf read nothing and asks in fixed words; None for the others."""
    keys: list[tuple[Any, ...] | None] = []
    for j, (lp, s, r, obs) in enumerate(zip(lps, statuses, as_read, observed, strict=True)):
        silent = obs.value is None and obs.item is None and lp.ask is not None
        if silent and obs is not lp.nothing:  # the leaf's shared reading of nothing needs no look
            for _, v in obs.evidence:
                if v is not None:
                    silent = False
                    break
        keys.append(("leaf", j, s, r, obs.evidence) if silent else None)
    return tuple(keys)


def _seen(leaves: Sequence[Leaf], observed: Sequence[Observation]) -> str:
    return "; ".join(f"{leaf.label or leaf.path}: {say(obs.value)}" for leaf, obs in zip(leaves, observed, strict=True))


def _combiner(node: Node, first: int) -> tuple[Callable[[Sequence[Status]], Status], int]:
    """The tree under `node` as a function of its leaves' outcomes (in tree order, the first at index
    `first`), built once per criterion; and the index after its last leaf."""
    if isinstance(node, Leaf):
        return operator.itemgetter(first), first + 1
    if isinstance(node, NotOf):
        inner, after = _combiner(node.not_, first)
        return (lambda statuses: negate(inner(statuses))), after
    assert isinstance(node, AllOf | AnyOf)
    parts = []
    for child in node.all if isinstance(node, AllOf) else node.any:
        part, first = _combiner(child, first)
        parts.append(part)
    kleene = all_of if isinstance(node, AllOf) else any_of
    return (lambda statuses: kleene([part(statuses) for part in parts])), first
