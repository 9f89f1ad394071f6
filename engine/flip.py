"""What would flip it: for an upheld request, the fewest facts that, documented or brought to their
threshold, would make every criterion met.

Each criterion not met is searched over its Kleene tree: an `all` needs every child met, an `any`
its cheapest child, a `not` its child unmet. Cost is counted in leaves to change, ordered so a hint
the request cannot act on (a region or drug the guideline does not support) is used only when
nothing else will do, and, at equal count, documenting a missing fact is preferred to moving a
documented one past its threshold (the common IMR story: the records do not say).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from engine.criteria.schema import AllOf, AnyOf, Leaf, Node, NotOf
from engine.explain import say
from engine.findings import SetPlan
from engine.memo import ByIdentity
from engine.operators import OPERATORS
from engine.paths import REQUEST_ROOT
from engine.results import Finding, FlipHint, FlipKind, RequestResult

Target = Literal["met", "unmet"]
# Request fields that name *what* is requested: a guideline that does not support that item is not
# persuaded by more documentation, only by a different request.
_WHAT_IS_REQUESTED = frozenset({"treatment", "region", "drug", "side", "approach", "planned_procedure"})
_IDENTITY_OPS = frozenset({"eq", "ne", "in", "not_in"})
_NEEDED = {
    "gte": "{v}{u} or more", "gt": "more than {v}{u}", "lte": "{v}{u} or less", "lt": "less than {v}{u}",
    "eq": "{v}", "ne": "anything but {v}", "is_true": "yes", "is_false": "no",
}


# A plan's cost, compared as a tuple: (hints the request cannot act on, leaves to change, of them
# thresholds to move). A plain tuple: thousands are added per second while searching the trees.
_Cost = tuple[int, int, int]
_FREE: _Cost = (0, 0, 0)
_Plan = tuple[_Cost, tuple[tuple[int, Target], ...]]  # (cost, (leaf index, status it must take))


def to_overturn(findings: Sequence[Finding], applied: Sequence[SetPlan], *, verdict: str, basis: str,
                treatment_name: str, primary: RequestResult | None = None) -> tuple[FlipHint, ...]:
    """The hints for a request whose strict verdict is uphold (empty when every criterion is met):
    read from its findings before its result is built, so the result is built once, with them."""
    if verdict == "overturn":
        return ()
    if basis == "no_criteria":
        return (FlipHint.trusted(
            criteria_set=None, criterion=None, path=None, kind="not_fixable", observed=None,
            needed="criteria that cover it",
            message=f"no criteria set covers {treatment_name} on this date; the prediction follows the base "
                    "rate of its category, which documentation cannot change",
            example=None,
        ),)
    sets = {plan.criteria_set.id: plan for plan in applied}
    hints = list(primary.to_overturn) if primary is not None and primary.verdict == "uphold" else []
    for finding in findings:
        if finding.status != "met":
            plan = sets.get(finding.criteria_set)
            if plan is not None:
                own = _HINTS.get(finding)
                hints.extend(own if own is not None else _HINTS.put(finding, _criterion_hints(plan, finding)))
    if len(hints) < 2:
        return tuple(hints)
    seen: set[tuple[str | None, ...]] = set()
    unique = []
    for hint in hints:
        # Two criteria needing the same fact documented need it once: the first criterion names it.
        key = (hint.path, hint.kind, hint.message)
        if key not in seen:
            seen.add(key)
            unique.append(hint)
    # Where only a different request would help, documenting the rest would not flip it: say only that.
    blocking = [h for h in unique if h.kind == "not_fixable"]
    return tuple(blocking or unique)


# A finding is often shared between requests (engine/findings.py): its hints are kept with it. They
# read only the finding and its set's criteria, and a finding object belongs to the one set plan
# that built it (in its evaluation, or kept in that plan's memo).
_HINTS: ByIdentity[Finding, tuple[FlipHint, ...]] = ByIdentity()


def _criterion_hints(plan: SetPlan, finding: Finding) -> tuple[FlipHint, ...]:
    # The cheapest plan depends only on the tree and, per leaf, its status and whether a value was
    # documented (which decides its kind): worked out once per such pattern and kept on the set plan.
    state = tuple([(lr.status, lr.observed is None) for lr in finding.leaves])
    key = ("flip-plan", finding.criterion, state)
    steps: tuple[tuple[int, Target], ...] | None = plan.memo.get(key)
    if steps is None:
        criterion, leaves = plan.criterion(finding.criterion)
        _, steps = _plan(criterion.when, "met", finding, leaves, iter(range(len(leaves))))
        plan.remember(key, steps)
    hints = []
    for i, target in steps:
        words_key = ("flip-words", finding.criterion, i, target)
        words = plan.memo.get(words_key)
        if words is None:
            words = _words(plan.criterion(finding.criterion)[1][i], target)
            plan.remember(words_key, words)
        result = finding.leaves[i]
        if result.status == "missing" or result.observed is None:
            # A fact to document: the hint is the same whatever else the case says (the ask names it).
            hint_key = ("flip-hint", finding.criterion, i, target, result.ask)
            hint = plan.memo.get(hint_key)
            if hint is None:
                hint = _hint(plan.criteria_set.id, finding, words, i, target)
                plan.remember(hint_key, hint)
            hints.append(hint)
        else:
            hints.append(_hint(plan.criteria_set.id, finding, words, i, target))
    return tuple(hints)


@dataclass(frozen=True)
class _Words:
    """What a hint says of its leaf whatever the case: worked out once per leaf and target."""

    path: str
    label: str
    unit: str
    needed: str
    documented: str  # " documented" for a fact of the records, "" for one the request states
    fixable: bool  # False for a leaf on what is requested (its region, drug, ...) compared by identity
    example: Any


def _words(leaf: Leaf, target: Target) -> _Words:
    unit = "%" if leaf.path.endswith("_pct") else ""
    needed = _needed(leaf, unit)
    steps = leaf.path.split(".")
    return _Words(
        path=leaf.path, label=leaf.label or leaf.path, unit=unit,
        needed=needed if target == "met" else f"not {needed}",
        documented="" if leaf.path.startswith(REQUEST_ROOT + ".") else " documented",
        fixable=not (steps[0] == REQUEST_ROOT and steps[-1] in _WHAT_IS_REQUESTED and leaf.op in _IDENTITY_OPS),
        example=_example(leaf) if target == "met" else None,
    )


def _plan(node: Node, want: Target, finding: Finding, leaves: Sequence[Leaf], counter: Iterator[int]) -> _Plan:
    """The cheapest way to bring `node` to `want`; consumes leaf indices in tree order."""
    if isinstance(node, Leaf):
        index = next(counter)
        result = finding.leaves[index]
        if result.status == want:
            return _FREE, ()
        kind = _kind(node, result.observed, result.status)
        return (int(kind == "not_fixable"), 1, int(kind == "threshold")), ((index, want),)
    if isinstance(node, NotOf):
        return _plan(node.not_, "unmet" if want == "met" else "met", finding, leaves, counter)
    assert isinstance(node, AllOf | AnyOf)
    children = [_plan(child, want, finding, leaves, counter) for child in (node.all if isinstance(node, AllOf)
                                                                          else node.any)]
    every = (want == "met") == isinstance(node, AllOf)  # all→met and any→unmet need every child
    if every:
        fixes, count, thresholds = 0, 0, 0
        for (f, c, t), _ in children:
            fixes, count, thresholds = fixes + f, count + c, thresholds + t
        return (fixes, count, thresholds), tuple(step for _, steps in children for step in steps)
    return min(children, key=lambda plan: plan[0])


def _kind(leaf: Leaf, observed: Any, status: str) -> FlipKind:
    if status == "missing" or observed is None:
        return "document"
    steps = leaf.path.split(".")
    if steps[0] == REQUEST_ROOT and steps[-1] in _WHAT_IS_REQUESTED and leaf.op in _IDENTITY_OPS:
        return "not_fixable"
    return "threshold"


def _hint(set_id: str, finding: Finding, words: _Words, index: int, target: Target) -> FlipHint:
    result = finding.leaves[index]
    observed = result.observed
    needed, label = words.needed, words.label
    if result.status == "missing" or observed is None:
        kind: FlipKind = "document"
        message = f"document {_lower_first(result.ask)}" if target == "met" else f"document that {label} is {needed}"
    elif words.fixable:
        kind = "threshold"
        message = f"{label}{words.documented} {say(observed)}{words.unit}; {needed} needed"
    else:
        kind = "not_fixable"
        message = (f"{label} is {say(observed)}{words.unit}, which the guideline does not support ({needed} needed); "
                   "documentation cannot change this")
    return FlipHint.trusted(
        criteria_set=set_id, criterion=finding.criterion, path=words.path, kind=kind, observed=observed,
        needed=needed, message=message, example=words.example,
    )


def _needed(leaf: Leaf, unit: str) -> str:
    value = leaf.value
    if leaf.op in _NEEDED:
        return _NEEDED[leaf.op].format(v=say(value), u=unit)
    phrase = OPERATORS[leaf.op].phrase
    if leaf.op == "between" and isinstance(value, list):
        return f"between {say(value[0])}{unit} and {say(value[1])}{unit}"
    if isinstance(value, list):
        return phrase.format(value=_alternatives(value))
    return phrase.format(value=say(value))


def _alternatives(values: list[Any]) -> str:
    """`a, b or c`, each spelling once (criteria list a drug's capitalisations)."""
    words = list(dict.fromkeys(say(v).lower() for v in values))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _example(leaf: Leaf) -> Any:
    """A value of the leaf's fact that meets it, where one plain value does (not for sums of terms)."""
    value = leaf.value
    if leaf.plus:
        return None
    if leaf.op in ("gte", "lte", "eq"):
        return value
    if leaf.op in ("gt", "lt") and isinstance(value, int | float):
        step = 1 if isinstance(value, int) else 0.5
        return value + step if leaf.op == "gt" else max(value - step, 0)
    if leaf.op == "between" and isinstance(value, list):
        return value[0]
    if leaf.op == "in" and isinstance(value, list):
        return value[0]
    return {"is_true": True, "is_false": False}.get(leaf.op)


@functools.lru_cache(maxsize=4096)  # asks: the criteria's own texts, most of them fixed
def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():
        return text  # an abbreviation (CRPS, EMG) keeps its capitals
    return text[:1].lower() + text[1:]
