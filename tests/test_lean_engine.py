"""The lean engine path (issue 14) changes nothing a caller can see.

Results are built without validating again what is already valid (`Result.trusted`, `replaced`),
each leaf's reader is resolved once (`facts.observer`), and results decided by the same pattern of
outcomes are shared between cases (the set plan's memo, the evaluator's scores). Each test compares
the fast path with the plain one on the bundled examples and generated letters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import engine.durable_adapter as adapter
from engine.backtest.predict import letter_date
from engine.backtest.synthetic import generate
from engine.case_io import load_case_file
from engine.catalog import TreatmentCatalog
from engine.criteria.pack import CriteriaPack
from engine.criteria.schema import iter_leaves
from engine.errors import ImrcheckError
from engine.evaluate import Evaluator, canonicalize
from engine.extract import extract_case
from engine.facts import Scope, observe, observer
from engine.findings import _MEMO_SIZE, SetPlan
from engine.letters import parse_letter_text
from engine.models import Case
from engine.results import CaseResult
from engine.trusted import replaced

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
Judged = tuple[Case, dt.date | None]


@pytest.fixture(scope="module")
def judged(catalog: TreatmentCatalog) -> list[Judged]:
    """The examples, and the cases of 120 generated letters (with their letters' dates)."""
    cases: list[Judged] = [(load_case_file(p), None) for p in sorted(EXAMPLES.glob("*.yaml"))]
    for generated in generate(120, seed=11):
        if not generated.is_letter:
            continue
        try:
            letter = parse_letter_text(str(generated.text), source=generated.name)
            case = extract_case(letter.clinical_summary, [i.title for i in letter.items], catalog=catalog).case
        except ImrcheckError:
            continue
        cases.append((case, letter_date(letter)))
    assert len(cases) > 100
    return cases


def _models(value: Any) -> Iterator[BaseModel]:
    if isinstance(value, BaseModel):
        yield value
        for field in type(value).model_fields:
            yield from _models(getattr(value, field))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _models(item)


def test_every_trusted_result_equals_its_values_validated(evaluator: Evaluator, judged: list[Judged]) -> None:
    seen: set[str] = set()
    for case, when in judged:
        for model in _models(evaluator.evaluate(case, as_of=when)):
            kind = type(model)
            seen.add(kind.__name__)
            # Validating the very values held gives an equal model (a list where a tuple is declared,
            # or a wrong literal, would not), and the values sit in the declared order (repr, iteration).
            assert kind.model_validate(dict(model.__dict__)) == model, kind.__name__
            assert list(model.__dict__) == list(kind.model_fields), kind.__name__
    assert {"CaseResult", "RequestResult", "Finding", "LeafResult", "FlipHint", "SetUse", "Score",
            "Contribution"} <= seen


def _outputs(results: list[CaseResult]) -> list[tuple[str, str]]:
    return [(r.model_dump_json(), repr(r)) for r in results]


def test_shared_results_are_the_ones_built_afresh(pack: CriteriaPack, catalog: TreatmentCatalog,
                                                  judged: list[Judged], monkeypatch: pytest.MonkeyPatch) -> None:
    remembering = Evaluator(pack, catalog)
    for case, when in reversed(judged):  # fills the memos in another order first
        remembering.evaluate(case, as_of=when)
    shared = [remembering.evaluate(case, as_of=when) for case, when in judged]
    assert any(plan.memo for plan in remembering._plans.values())

    monkeypatch.setattr(SetPlan, "remember", lambda self, key, value: None)
    monkeypatch.setattr(Evaluator, "_score", lambda self, category, findings, has_criteria:
                        self.scoring.score(category, findings, has_criteria=has_criteria))
    afresh = Evaluator(pack, catalog)
    built = [afresh.evaluate(case, as_of=when) for case, when in judged]
    assert not any(plan.memo for plan in afresh._plans.values())
    assert _outputs(shared) == _outputs(built)


def test_the_memo_of_a_set_stays_bounded(evaluator: Evaluator, pack: CriteriaPack) -> None:
    plan = evaluator._plan(next(cs for cs in pack.sets.values() if cs.status == "active"))
    saved = dict(plan.memo)
    try:
        plan.memo.clear()
        for n in range(_MEMO_SIZE):
            plan.remember(("test", n), n)
        assert len(plan.memo) == _MEMO_SIZE
        plan.remember(("test", "one more"), 0)
        assert plan.memo == {("test", "one more"): 0}
    finally:
        plan.memo.clear()
        plan.memo.update(saved)


def test_a_leaf_reader_reads_what_observe_reads(pack: CriteriaPack, catalog: TreatmentCatalog,
                                                judged: list[Judged]) -> None:
    leaves = [leaf for cs in pack.sets.values() for c in cs.criteria for leaf in iter_leaves(c.when)]
    readers = [observer(leaf) for leaf in leaves]
    shared_readings = 0
    for case, when in judged[:60]:
        canonical = canonicalize(case, catalog)
        for request in canonical.requests:
            scope = Scope(case=canonical, request=request, as_of=when or dt.date(2017, 6, 1))
            for leaf, (read, nothing) in zip(leaves, readers, strict=True):
                observed = read(scope)
                assert observed == observe(leaf, scope), leaf.path
                if observed is nothing:
                    shared_readings += 1
                    assert observed.value is None and all(v is None for _, v in observed.evidence)
    assert shared_readings > 0


def test_replaced_is_model_copy(catalog: TreatmentCatalog, judged: list[Judged]) -> None:
    request = canonicalize(judged[0][0], catalog).requests[0]
    changed = replaced(request, treatment="acupuncture", repeat=not request.repeat)
    copied = request.model_copy(update={"treatment": "acupuncture", "repeat": not request.repeat})
    assert changed == copied
    assert repr(changed) == repr(copied)
    assert changed.model_fields_set == copied.model_fields_set
    assert request.treatment != "acupuncture"  # the original is untouched
    assert replaced(request, treatment=request.treatment, repeat=request.repeat) is request
    # Equal but of another type is a change (1 == True, but a case saying 1 is not the same document).
    one = replaced(request, visits=1)
    assert replaced(one, visits=1) is one
    assert replaced(one, visits=True) is not one


def test_messages_are_stamped_as_durable_reads_them() -> None:
    plain = {"leaf": "c0l0", "v": 3, "ok": True, "none": None}
    mixed = {"leaf": "c0l1", "v": 1e-05, "when": dt.date(2017, 3, 2), "list": ("a", 2.5e20)}
    assert adapter._stamped([plain, mixed], "s1") == [
        {**plain, "sid": "s1", "seq": 0},
        {"leaf": "c0l1", "v": 0.0001, "when": "2017-03-02", "list": ["a", 10**15], "sid": "s1", "seq": 1},
    ]
    # The plain one takes the quick path: the same as the general one.
    assert adapter._stamped([plain], "s2") == [adapter._stamp(plain, "s2", 0)]
    assert plain == {"leaf": "c0l0", "v": 3, "ok": True, "none": None}  # the caller's dict is not changed
