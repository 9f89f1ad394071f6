"""Meta-tests over the whole pack: every set is exercised, cited and has its three kinds of case."""

from __future__ import annotations

from collections import defaultdict

import pytest

from criteria_support import CASES_DIR, all_case_files, all_cases, findings_of
from engine.criteria.pack import CriteriaPack
from engine.criteria.schema import AllOf, AnyOf, Leaf, Node, NotOf, iter_leaves
from engine.evaluate import Evaluator
from engine.operators import OPERATORS


def test_every_set_has_a_case_file_and_no_case_file_is_orphaned(pack: CriteriaPack) -> None:
    files = {p.stem for p in all_case_files()}
    assert files == set(pack.sets), f"sets without cases: {set(pack.sets) - files}; orphans: {files - set(pack.sets)}"


@pytest.mark.parametrize("kind", ["met", "unmet", "missing"])
def test_every_set_has_each_kind_of_case(pack: CriteriaPack, kind: str) -> None:
    kinds = defaultdict(set)
    for case in all_cases():
        kinds[case.set_id].add(case.kind)
    lacking = sorted(s for s in pack.sets if kind not in kinds[s])
    assert not lacking, f"sets with no {kind!r} case in {CASES_DIR}: {lacking}"


def test_every_silent_record_rule_has_a_case_reading_it(pack: CriteriaPack) -> None:
    """A criterion with a leaf that reads silent records (if_silent absent or neutral) has a case that pins
    the criterion's outcome as read beside its strict one."""
    ruled = {(cs.id, c.id) for cs in pack.sets.values() for c in cs.criteria
             if any(leaf.if_silent != "against" for leaf in iter_leaves(c.when))}
    pinned = {(case.set_id, name) for case in all_cases() for name in case.expect.get("read_as", {})}
    assert ruled, "no silent-record rules in the pack"
    assert not ruled - pinned, f"silent-record rules without a read_as case: {sorted(ruled - pinned)}"


def test_every_criterion_is_seen_met_unmet_and_missing(pack: CriteriaPack, evaluator: Evaluator) -> None:
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for case in all_cases():
        result = evaluator.evaluate(case.case, as_of=case.as_of)
        wanted = case.request_id or case.case.requests[0].id
        request = next(r for r in result.requests if r.id == wanted)
        for finding in findings_of(request, case.set_id):
            seen[(case.set_id, finding.criterion)].add(finding.status)
    gaps = []
    for cs in pack.sets.values():
        for criterion in cs.criteria:
            can_fail = _can_be(criterion.when, "unmet")
            needed = {"met", "missing"} | ({"unmet"} if can_fail else set())
            lacking = needed - seen[(cs.id, criterion.id)]
            if lacking:
                gaps.append(f"{cs.id}.{criterion.id}: never {sorted(lacking)}")
    assert not gaps, "\n".join(gaps)


def test_set_ids_are_unique_and_cite_their_source(pack: CriteriaPack) -> None:
    for cs in pack.sets.values():
        assert cs.citation.section
        if cs.source in ("MTUS", "ACOEM"):
            # A page, or (for text that has none) the explicit unpaginated mark and the url
            assert cs.citation.pages or (cs.citation.unpaginated and cs.citation.url), cs.id
        assert pack.sources[cs.id].endswith(f"/{cs.id}.yaml")
    aliases = [a for cs in pack.sets.values() for a in cs.aliases]
    assert len(aliases) == len(set(aliases))
    assert not set(aliases) & set(pack.sets)


def _can_be(node: Node, status: str) -> bool:
    """Whether some documented case could give `node` this status (`exists` can never be unmet)."""
    if isinstance(node, Leaf):
        return status != "unmet" or OPERATORS[node.op].unmet is not None
    if isinstance(node, NotOf):
        return _can_be(node.not_, {"met": "unmet", "unmet": "met"}.get(status, status))
    children = node.all if isinstance(node, AllOf) else node.any
    assert isinstance(node, AllOf | AnyOf)
    every = status == ("met" if isinstance(node, AllOf) else "unmet")
    return all(_can_be(c, status) for c in children) if every else any(_can_be(c, status) for c in children)
