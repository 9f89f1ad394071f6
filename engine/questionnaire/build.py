"""Build the questionnaire for a requested treatment: one question per fact the applicable criteria read.

Adaptive questioning: the answers so far are turned into a case and evaluated by the real Evaluator
(durable-rules decides every leaf). A leaf whose facts are all answered keeps its outcome; any other
leaf is unknown. With Kleene logic over each criterion's tree, an unanswered question is skipped when
none of its leaves can still change a criterion (a sibling under `all` is already unmet, under `any`
already met), or when the request is already decided: a criterion is unmet whatever the rest says.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.criteria.schema import AllOf, AnyOf, CriteriaSet, Criterion, Leaf, Node, NotOf, iter_leaves
from engine.evaluate import Evaluator, choose_sets
from engine.explain import citation_line, render, say
from engine.logic import Status, all_of, any_of, negate
from engine.models import Request
from engine.paths import REQUEST_ROOT, resolve_path
from engine.questionnaire.answers import EARLIER, REQUEST_ID, case_from_answers, earlier_collections, takes_dates
from engine.questionnaire.details import details_for
from engine.questionnaire.model import Question, Questionnaire, QuestionnaireRequest
from engine.questionnaire.refs import FactRef, answer_type, leaf_refs
from engine.results import Finding

_REGION = f"{REQUEST_ROOT}.region"
_DANGLING = re.compile(r"\s+(?:of|on|from|after|in|at|dated)$")


@dataclass
class _Draft:
    ref: FactRef
    feeds: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    prompts: list[tuple[int, str]] = field(default_factory=list)  # (rank, prompt): the best-ranked is asked
    label: str | None = None


@dataclass(frozen=True)
class _LeafSite:
    criteria_set: CriteriaSet
    criterion: Criterion
    leaf: Leaf
    refs: tuple[FactRef, ...]


def build_questionnaire(evaluator: Evaluator, request: QuestionnaireRequest,
                        answers: Mapping[str, Any] | None = None) -> Questionnaire:
    """The ordered questions the criteria sets applying to `request` need, marked ask / answered / skipped.

    Raises UnknownTreatmentError (with suggestions) for a treatment the catalog does not know, and
    CaseValidationError naming the question for an answer that does not fit."""
    treatment = evaluator.catalog.resolve(request.treatment, source="treatment")
    when = request.request_date or dt.date.today()
    judged = Request(id=REQUEST_ID, treatment=treatment.id, region=request.region, repeat=bool(request.repeat))
    _, applied = choose_sets(evaluator.pack, judged, when, request.edition)
    sites = [_LeafSite(cs, c, leaf, tuple(leaf_refs(leaf))) for cs in applied for c in cs.criteria
             for leaf in iter_leaves(c.when)]
    drafts = _drafts(sites, judged)
    ids = _question_ids([d.ref for d in drafts])
    given = {k: v for k, v in (answers or {}).items() if v is not None and v != ""}
    if request.region is not None and _REGION in ids.values():
        given.setdefault(_REGION, request.region)  # the request names it: not asked again
    asked = {d.ref.path for d in drafts}
    questions = [_question(d, ids[d.ref.key], given, asked) for d in drafts]
    blank = Questionnaire(
        request=request, treatment=treatment.id, treatment_name=treatment.name,
        criteria_sets=tuple(cs.id for cs in applied), edition=request.edition or _edition(applied), as_of=when,
        questions=tuple(questions),
    )
    if not applied:
        return blank
    case = case_from_answers(blank, given)
    result = evaluator.evaluate(case, as_of=when, edition=request.edition).requests[0]
    answered = {ids[d.ref.key] for d in drafts if ids[d.ref.key] in given}
    verdict = _Adaptive(sites, result.findings, {d.ref.key: ids[d.ref.key] for d in drafts}, answered)
    marked = tuple(verdict.mark(q) for q in questions)
    return blank.model_copy(update={
        "questions": marked, "prediction": result.prediction, "decided": all(q.status != "ask" for q in marked),
    })


def questionnaire_contract(questionnaire: Questionnaire) -> dict[str, Any]:
    """The JSON of POST /api/questionnaire (under "questionnaire") and of `imrcheck new --format json`;
    each question says whether it `takes_dates` (a count answered with the date of each record)."""
    contract = questionnaire.model_dump(mode="json")
    groups = earlier_collections(questionnaire.questions)
    for shown, question in zip(contract["questions"], questionnaire.questions, strict=True):
        shown["takes_dates"] = takes_dates(question)
        # Where more records of the collection may be listed before the one asked about: the answer id
        # taking them, and this question's field inside a record.
        resolved = resolve_path(question.field)
        collection = ".".join(resolved.before)
        shown["earlier"] = ({"answer": collection + EARLIER, "field": ".".join(resolved.after)}
                            if collection in groups and question.pick not in (None, "count") else None)
    return contract


def _edition(applied: Sequence[CriteriaSet]) -> str | None:
    """The edition that governs: the best-tier set's (MTUS over ODG)."""
    return min(applied, key=lambda cs: cs.tier).edition if applied else None


def _drafts(sites: Sequence[_LeafSite], request: Request) -> list[_Draft]:
    drafts: dict[tuple[Any, ...], _Draft] = {}
    for site in sites:
        ask = _prompt(site.leaf, request)
        named = {site.leaf.path, *(t.path for t in site.leaf.plus)}
        for position, ref in enumerate(site.refs):
            draft = drafts.setdefault(ref.key, _Draft(ref))
            feed = f"{site.criteria_set.id}/{site.criterion.id}"
            if feed not in draft.feeds:
                draft.feeds.append(feed)
            citation = citation_line(site.criteria_set)
            if citation not in draft.citations:
                draft.citations.append(citation)
            # A leaf's `ask` is about its own fact, or about the `plus` term it adds; for the main path
            # of a leaf with terms it is not, so that reading is the last resort.
            rank = 0 if not site.leaf.plus else (1 if position > 0 else 2)
            prompt = ask if rank < 2 else _generic_prompt(ref)
            if ref.path not in named:
                # One of the fields a derived fact is computed from: the leaf's `ask` is about the
                # computed value, so the question names its own field, and a leaf asking it directly wins.
                rank, prompt = 1, f"{_generic_prompt(ref)} ({say(site.leaf.path.rsplit('.', 1)[-1])} is computed from it)"
            draft.prompts.append((rank, _count_prompt(prompt, site.leaf.label) if ref.counts else prompt))
            if draft.label is None and rank < 2:
                draft.label = site.leaf.label
    return list(drafts.values())


def _prompt(leaf: Leaf, request: Request) -> str:
    """The leaf's `ask` with no record yet to quote: a placeholder with no fallback leaves a dangling word."""
    return _DANGLING.sub("", render(leaf.ask, request=request, value=leaf.value))


def _count_prompt(ask: str, label: str | None) -> str:
    return f"{ask} (how many {label}?)" if label else f"{ask} (how many?)"


def _generic_prompt(ref: FactRef) -> str:
    name = say(ref.path.rsplit(".", 1)[-1])
    if ref.path.startswith(REQUEST_ROOT + "."):
        return f"The {name} requested"
    if ref.collection is not None:
        return f"{say(ref.collection.rsplit('.', 1)[-1]).capitalize()} on record: {name}"
    return f"The {name} documented"


def _question_ids(refs: Sequence[FactRef]) -> dict[tuple[Any, ...], str]:
    """The path, unless two facts share it (different record filters): then the filter is added."""
    paths = [r.path for r in refs]
    ids = {}
    for ref in refs:
        if paths.count(ref.path) == 1:
            ids[ref.key] = ref.path
        else:
            where = ",".join(f"{k}={'|'.join(map(str, v)) if isinstance(v, tuple) else v}" for k, v in ref.where)
            window = f";within_days={ref.within_days}" if ref.within_days is not None else ""
            ids[ref.key] = f"{ref.path}[{where}{window}]"
    return ids


def _question(draft: _Draft, qid: str, given: Mapping[str, Any], asked: set[str]) -> Question:
    kind, choices = answer_type(draft.ref.path)
    if draft.ref.counts:
        kind, choices = "integer", None
    prompt = min(draft.prompts, key=lambda p: p[0])[1]
    return Question(
        id=qid, field=draft.ref.path, answer_type=kind, choices=choices, prompt=prompt, feeds=tuple(draft.feeds),
        citations=tuple(draft.citations), status="answered" if qid in given else "ask",
        pick=draft.ref.pick, where=draft.ref.where_dict(), within_days=draft.ref.within_days, label=draft.label,
        answer=given.get(qid), details=details_for(draft.ref.path, asked) if draft.ref.collection is None else (),
    )


class _Adaptive:
    """Which unanswered questions can still change the prediction, from the evaluated partial case."""

    def __init__(self, sites: Sequence[_LeafSite], findings: Sequence[Finding], ids: Mapping[tuple[Any, ...], str],
                 answered: set[str]) -> None:
        by_criterion = {(f.criteria_set, f.criterion): f for f in findings}
        self.open_by_question: dict[str, list[int]] = {}
        self.relevant: set[int] = set()
        self.decided_by: str | None = None
        self.settled: dict[str, Status] = {}
        index = 0
        grouped: dict[tuple[str, str], list[_LeafSite]] = {}
        for site in sites:
            grouped.setdefault((site.criteria_set.id, site.criterion.id), []).append(site)
        for mine in grouped.values():
            cs, criterion = mine[0].criteria_set, mine[0].criterion
            finding = by_criterion.get((cs.id, criterion.id))
            leaves: list[tuple[int, Status, bool]] = []
            for n, site in enumerate(mine):
                qids = [ids[r.key] for r in site.refs]
                is_open = any(q not in answered for q in qids) or finding is None
                status: Status = "missing" if is_open or finding is None else finding.leaves[n].status
                for q in qids:
                    if q not in answered:
                        self.open_by_question.setdefault(q, []).append(index)
                leaves.append((index, status, is_open))
                index += 1
            value, relevant = _walk(criterion.when, iter(leaves))
            feed = f"{cs.id}/{criterion.id}"
            if value != "missing":
                self.settled[feed] = value
            if value == "unmet" and self.decided_by is None:
                self.decided_by = f"{criterion.title} ({feed}) is not met"
            self.relevant |= relevant

    def mark(self, question: Question) -> Question:
        if question.status == "answered":
            return question
        if self.decided_by is not None:
            reason = f"the prediction is already decided: {self.decided_by}"
        elif any(i in self.relevant for i in self.open_by_question.get(question.id, [])):
            return question
        else:
            done = [f"{feed} is already {self.settled.get(feed, 'decided')}" for feed in question.feeds]
            reason = "the outcome is already decided by the other answers: " + "; ".join(done)
        return question.model_copy(update={"status": "skipped", "skipped_reason": reason})


def _walk(node: Node, leaves: Iterator[tuple[int, Status, bool]]) -> tuple[Status, set[int]]:
    """Kleene value of `node` with open leaves unknown, and the open leaves that can still change it."""
    if isinstance(node, Leaf):
        index, status, is_open = next(leaves)
        return status, ({index} if is_open else set())
    if isinstance(node, NotOf):
        value, relevant = _walk(node.not_, leaves)
        return negate(value), relevant
    assert isinstance(node, AllOf | AnyOf)
    children = [_walk(child, leaves) for child in (node.all if isinstance(node, AllOf) else node.any)]
    values = [v for v, _ in children]
    value = all_of(values) if isinstance(node, AllOf) else any_of(values)
    absorbing = "unmet" if isinstance(node, AllOf) else "met"
    if value == absorbing:
        return value, set()
    return value, set().union(*(r for _, r in children))
