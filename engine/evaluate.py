"""Evaluate a case: choose the criteria sets for each request, run them in durable-rules, decide.

The flow per case: canonical treatment ids → companions linked to their primary → for each
request the sets that apply on the date (rules/precedence.py picks MTUS first) → every leaf's
fact observed and posted to the set's compiled ruleset → leaf outcomes combined with Kleene
logic into criterion findings → the score (engine/scoring: the category's base rate plus points per
finding) → rules/decision.py turns the findings and the score into a prediction and the strict verdict.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# canonicalize is also read from here (the questionnaire, the web app, tests): re-exported.
from engine.canonical import canonicalize as canonicalize
from engine.canonical import infer_repeat
from engine.catalog import TreatmentCatalog
from engine.compiler import CompiledSet, compile_set
from engine.criteria.pack import CriteriaPack
from engine.criteria.schema import CriteriaSet
from engine.durable_adapter import DurableEngine, ruleset_name, shared_engine, to_json_number
from engine.errors import EngineError
from engine.explain import rationale
from engine.facts import Scope
from engine.findings import SetPlan, plan_set, set_findings
from engine.flip import to_overturn
from engine.logic import Status
from engine.memo import Bounded, ByIdentity
from engine.models import Case, Request
from engine.operators import OPERATORS
from engine.results import OUTSIDE_DATES, CaseResult, Finding, RequestResult, SetUse, applied_outside_dates
from engine.scoring.model import Score, ScoringModel, load_scoring
from engine.silent import contradicted
from engine.trusted import replaced
from rules.decision import NAME_BASE as DECISION_BASE
from rules.decision import OUTCOMES, decision_rules
from rules.precedence import Candidate, winners

_KEPT = 4096  # entries of a memo of the evaluator before it is emptied and refilled


@dataclass(frozen=True)
class _Prepared:
    request: Request
    requested_as: str
    primary: str | None  # the id of the primary request when this one is its companion


class Evaluator:
    """Holds a criteria pack compiled for durable-rules; evaluates any number of cases."""

    def __init__(self, pack: CriteriaPack, catalog: TreatmentCatalog, engine: DurableEngine | None = None,
                 scoring: ScoringModel | None = None) -> None:
        self.pack = pack
        self.catalog = catalog
        self.engine = engine or shared_engine()
        self.scoring = scoring or load_scoring()
        self._plans: dict[str, SetPlan] = {}
        self._scores: Bounded[tuple[str, tuple[tuple[str, Status], ...], bool], Score] = Bounded(_KEPT)
        rules = decision_rules(round(self.scoring.threshold_points, 6),
                               round(_log_odds(self.scoring.no_criteria_threshold), 6))
        self._decision = ruleset_name(DECISION_BASE, rules)
        self.engine.ensure(self._decision, rules)

    def compiled(self, cs: CriteriaSet) -> CompiledSet:
        return self._plan(cs).compiled

    def _plan(self, cs: CriteriaSet) -> SetPlan:
        plan = self._plans.get(cs.id)
        if plan is None:
            compiled = compile_set(cs)
            self.engine.ensure(compiled.name, compiled.rules)
            plan = self._plans[cs.id] = plan_set(cs, compiled)
        return plan

    def evaluate(self, case: Case, *, as_of: dt.date | None = None, edition: str | None = None,
                 source: str | None = None) -> CaseResult:
        when = as_of or case.request_date or dt.date.today()
        canonical = canonicalize(case, self.catalog, source=source)
        prepared = self._prepare(case, canonical)
        outcomes: dict[str, RequestResult] = {}
        # Primaries first, so a companion can follow its primary's outcome (also along a chain:
        # sedation for the fluoroscopy of an ESI, whatever order they are listed in).
        for item in _primaries_first(prepared) if any(p.primary is not None for p in prepared) else prepared:
            outcomes[item.request.id] = self._judge(canonical, item, when, edition, outcomes)
        return CaseResult.trusted(
            case_id=case.case_id, source=source, as_of=when, edition=edition,
            requests=tuple(outcomes[r.id] for r in canonical.requests),
        )

    def _prepare(self, original: Case, case: Case) -> list[_Prepared]:
        prepared = []
        for raw, request in zip(original.requests, case.requests, strict=True):
            primary = request.companion_of
            treatment = self.catalog.get(request.treatment)
            if primary is None and treatment.is_companion:
                # Only a request that serves no other can be inferred as a primary: with the model's
                # check that stated links form no cycle, the links then never form one.
                primary = next((r.id for r in case.requests
                                if r.treatment in treatment.companion_of and r.companion_of is None), None)
            prepared.append(_Prepared(request, raw.treatment, primary))
        return prepared

    def _judge(self, case: Case, item: _Prepared, when: dt.date, edition: str | None,
               done: dict[str, RequestResult]) -> RequestResult:
        request = item.request
        judged = self._as_planned_procedure(case, request)
        uses, applied = choose_sets(self.pack, judged, when, edition)
        if judged is not request and not uses:
            judged = request  # no criteria for the planned procedure: the visit's own criteria judge it
            uses, applied = choose_sets(self.pack, request, when, edition)
        follows = done[item.primary].prediction if item.primary is not None else "none"
        scope = Scope(case=case, request=judged, as_of=when, primary_prediction=None if follows == "none" else follows)
        outside = applied_outside_dates(uses)
        # A set applied outside its dates says so on every finding too, so every format that shows a
        # finding (tables, checklists) says it.
        findings = [f for cs in applied for f in self._findings(cs, scope, outside=cs.id in outside)]
        # A limit alone (the statutory cap) cannot carry a request to overturn: without a clinical set
        # the request is predicted like one no criteria cover (its limits still listed as findings).
        # A limit that is not met still upholds the request on its own terms.
        clinical = any(cs.kind == "clinical" for cs in applied)
        judged_by_criteria = clinical or any(f.status != "met" for f in findings)
        treatment = self.catalog.get(request.treatment)
        score = self._score(treatment.category, tuple([(f"{f.criteria_set}/{f.criterion}", f.status_as_read)
                                                       for f in findings]), judged_by_criteria)
        partly_certified = request.ur_certified is not None
        prediction, basis, verdict = self._decide(findings, judged_by_criteria, follows, score, clinical, partly_certified)
        missing_docs = _missing_documentation(findings)
        text = rationale(treatment.name, item.requested_as, prediction, basis, findings, item.primary, score)
        if outside:
            text = (f"No clinical criteria in the pack govern {when.isoformat()}: judged by {', '.join(outside)}, "
                    f"{OUTSIDE_DATES}. {text}")
        if partly_certified and basis == "criteria" and prediction == "uphold":
            text = (f"Utilization review certified part of this request ({request.ur_certified}); the rest waits for "
                    f"the response to that part, which the records do not yet show. {text}")
        if judged is not request:
            planned = self.catalog.get(judged.treatment).name
            text = (f"The {item.requested_as or treatment.name} is requested for a planned {planned}, so it is judged "
                    f"by the criteria for that procedure. {text}")
        # The hints read the judged findings (and a companion its primary's hints).
        primary = done[item.primary] if item.primary is not None else None
        hints = to_overturn(findings, [self._plan(cs) for cs in applied], verdict=verdict, basis=basis,
                            treatment_name=treatment.name, primary=primary)
        # Trusted: every part comes from the validated case, catalog and pack or from results built above.
        return RequestResult.trusted(
            id=request.id, treatment=treatment.id, treatment_name=treatment.name, category=treatment.category,
            requested_as=item.requested_as, prediction=prediction, basis=basis, verdict=verdict,
            probability=round(score.probability, 4) if basis != "companion" else None,
            score=score if basis != "companion" else None,
            companion_of=item.primary, findings=tuple(findings), missing_documentation=missing_docs,
            citations=tuple(dict.fromkeys(f.citation for f in findings)),
            rationale=text, criteria_sets=tuple(uses),
            judged_as=judged.treatment if judged is not request else None, partly_certified=partly_certified,
            to_overturn=hints,
        )

    def _score(self, category: str, findings: tuple[tuple[str, Status], ...], has_criteria: bool) -> Score:
        """The scoring model's score, kept per pattern (category, criteria and their outcomes): the same
        pattern recurs from letter to letter, and a Score is immutable."""
        key = (category, findings, has_criteria)
        score = self._scores.get(key)
        if score is None:
            score = self._scores.put(key, self.scoring.score(category, findings, has_criteria=has_criteria))
        return score

    def predict_uncovered(self, category: str) -> tuple[str, Score]:
        """The prediction for an item no criteria set (or no catalog entry) covers: its category's base
        rate against the no-criteria threshold, decided by the same decision rules (basis `no_criteria`)."""
        score = self.scoring.score(category, (), has_criteria=False)
        prediction, _, _ = self._decide((), False, "none", score)
        return prediction, score

    def _as_planned_procedure(self, case: Case, request: Request) -> Request:
        """A consultation or visit requested for a procedure is judged by that procedure's criteria
        (as IMR reviewers apply them): the request, read as the procedure it is for. A surgical
        consultation is not: it asks whether surgery is indicated, which the consultation criteria judge
        (a surgical question is one of their grounds); holding it to the surgery's own criteria would
        deny the consult that decides them."""
        planned = request.planned_procedure
        if (planned is None or self.catalog.get(request.treatment).category != "evaluation_management"
                or self.catalog.get(planned).category == "surgery"):
            return request
        return replaced(request, treatment=planned, repeat=infer_repeat(planned, request, case.history, self.catalog))

    def _findings(self, cs: CriteriaSet, scope: Scope, *, outside: bool = False) -> list[Finding]:
        plan = self._plan(cs)
        name = plan.compiled.name
        run = self.engine.run

        def run_leaves(events: list[dict[str, Any]]) -> dict[str, Status]:
            # The message is the one posted, read back from durable's JSON: its "leaf" is the key sent.
            return {f.message["leaf"]: f.action for f in run(name, events=events)}  # type: ignore[misc]

        return set_findings(plan, scope, run_leaves, outside=outside)

    def _decide(self, findings: Sequence[Finding], has_criteria: bool, follows: str,
                score: Score, clinical: bool = False, partly_certified: bool = False) -> tuple[str, str, str]:
        strict = [f.status for f in findings]
        read = [f.status_as_read for f in findings]
        event = {
            "unmet": strict.count("unmet"),
            "missing": strict.count("missing"),
            "contradicted": sum(contradicted(f) for f in findings if f.status_as_read == "unmet"),
            "read_unmet": read.count("unmet"),
            "read_missing": read.count("missing"),
            "criteria": has_criteria,
            "clinical": clinical,
            "follows": follows,
            "points": to_json_number(round(score.points, 6)),
            "partly_certified": partly_certified,
        }
        fired = self.engine.run(self._decision, events=[event])
        if len(fired) != 1:
            raise EngineError(f"decision rules fired {len(fired)} times for one request; expected exactly once")
        return OUTCOMES[fired[0].action]


def _log_odds(p: float) -> float:
    return math.log(p / (1 - p))


def _primaries_first(prepared: Sequence[_Prepared]) -> list[_Prepared]:
    """Every request after its primary (and its primary's primary), otherwise in the order listed.
    Linear in the number of requests; the case model refuses cycles before evaluation starts."""
    by_id = {p.request.id: p for p in prepared}
    placed: set[str] = set()
    ordered: list[_Prepared] = []
    for item in prepared:
        chain: list[_Prepared] = []
        on_chain: set[str] = set()
        current: _Prepared | None = item
        while current is not None and current.request.id not in placed:
            if current.request.id in on_chain:
                raise EngineError("companion requests form a cycle")  # unreachable past the case model
            chain.append(current)
            on_chain.add(current.request.id)
            current = by_id.get(current.primary) if current.primary is not None else None
        for link in reversed(chain):
            placed.add(link.request.id)
            ordered.append(link)
    return ordered


def choose_sets(pack: CriteriaPack, request: Request, when: dt.date,
                edition: str | None) -> tuple[list[SetUse], list[CriteriaSet]]:
    """The sets considered for a (canonical) request and the ones that apply: in force on the date (or
    of the edition asked for), fitting its region and first-or-repeat, winning the evidence search
    sequence. Evaluation and the questionnaire both choose through here, so they never disagree."""
    candidates = [cs for cs in pack.for_treatment(request.treatment) if _fits(cs, request)]
    if edition is not None:
        dated = [cs for cs in candidates if cs.edition == edition or (cs.source != "MTUS" and cs.in_force(when))]
    else:
        dated = [cs for cs in candidates if cs.in_force(when)]
    outside: set[str] = set()
    if not any(cs.kind == "clinical" for cs in dated):
        # Limits alone (a statutory cap) never judge a request: the nearest clinical edition does,
        # said in the output, unless its topic chose the base rate (docs/criteria.md says why).
        in_force = {cs.id for cs in dated}  # by id: `in` on the sets themselves compares whole models
        nearest = _nearest_clinical([cs for cs in candidates if cs.id not in in_force], when)
        dated, outside = dated + nearest, {cs.id for cs in nearest}
    applied_ids = _winners(tuple([(cs.id, cs.topic, cs.tier, cs.fills_gaps_in) for cs in dated]))
    uses = []
    dated_ids = {cs.id for cs in dated}
    for cs in candidates:
        if cs.id in applied_ids:
            reason = (f"{OUTSIDE_DATES}: no clinical criteria in the pack govern this date"
                      if cs.id in outside else "applied")
        elif cs.id not in dated_ids:
            reason = f"not in force on {when.isoformat()}" if edition is None else f"not edition {edition}"
        else:
            reason = "superseded: a higher source in the evidence search sequence covers this topic"
        uses.append(_set_use(cs.id, cs.edition, cs.id in applied_ids, reason))
    return uses, [cs for cs in dated if cs.id in applied_ids]


@functools.lru_cache(maxsize=4096)  # the same few groups of sets compete request after request
def _winners(candidates: tuple[tuple[str, str, int, tuple[str, ...]], ...]) -> frozenset[str]:
    return frozenset(winners([Candidate(*c) for c in candidates]))


@functools.lru_cache(maxsize=4096)  # a few reasons per set (the dates of letters vary the "not in force" ones)
def _set_use(criteria_set: str, edition: str, applied: bool, reason: str) -> SetUse:
    """A set's use, shared between requests that use it alike (results are immutable)."""
    return SetUse.trusted(criteria_set=criteria_set, edition=edition, applied=applied, reason=reason)


def _nearest_clinical(sets: Sequence[CriteriaSet], when: dt.date) -> list[CriteriaSet]:
    """Per topic, the clinical edition nearest the date: the latest one that started before it, or else
    the earliest one to come. Sets whose topic chose the base rate are left out."""
    by_topic: dict[str, list[CriteriaSet]] = {}
    for cs in sets:
        if cs.kind == "clinical" and cs.outside_dates == "nearest_edition":
            by_topic.setdefault(cs.topic, []).append(cs)
    chosen: list[CriteriaSet] = []
    for group in by_topic.values():
        before = [cs for cs in group if cs.effective_from <= when]
        start = max(cs.effective_from for cs in before) if before else min(cs.effective_from for cs in group)
        chosen.extend(cs for cs in group if cs.effective_from == start)
    return chosen


def _fits(cs: CriteriaSet, request: Request) -> bool:
    target = cs.applies_to
    if target.regions is not None and request.region is not None and request.region not in target.regions:
        return False
    if target.postsurgical is not None and bool(request.postsurgical) != target.postsurgical:
        return False
    return not (target.repeat is not None and bool(request.repeat) != target.repeat)


def _missing_documentation(findings: Sequence[Finding]) -> tuple[str, ...]:
    """What to add before submitting: every undocumented fact of a criterion left missing, and every
    statement the request could make (exceptional factors, a reason) where a criterion is not met."""
    asks: list[str] = []
    for f in findings:
        own = _ASKS.get(f)
        asks.extend(own if own is not None else _ASKS.put(f, _finding_asks(f)))
    return tuple(dict.fromkeys(asks))


_ASKS: ByIdentity[Finding, tuple[str, ...]] = ByIdentity()  # findings are often shared between requests


def _finding_asks(f: Finding) -> tuple[str, ...]:
    if f.status == "met":
        return ()
    return tuple(leaf.ask for leaf in f.leaves
                 if (f.status == "missing" and leaf.status == "missing") or (
                     leaf.status == "unmet" and OPERATORS[leaf.op].absent_is == "unmet" and leaf.observed is None))
