"""Words for findings: placeholders in messages, the citation line, the rationale paragraph."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from engine.criteria.schema import CONFIDENCE_WORDS, CriteriaSet
from engine.memo import Bounded, ByIdentity
from engine.models import Request
from engine.paths import read
from engine.results import Finding
from engine.scoring.model import Score

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)(?:\?([^}]*))?\}")


def say(value: Any) -> str:
    """A fact value as a person would write it."""
    if value is None:
        return "not documented"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return f"{value.month}/{value.day}/{value.year}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        items = [say(v) for v in value if v != "\x00none"]
        if not items:
            return "none"
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return str(value).replace("_", " ")


def _month_year(value: Any) -> str:
    return f"{value.month}/{value.year}" if isinstance(value, dt.date) else say(value)


def render(template: str, *, request: Request, item: BaseModel | None = None, value: Any = None,
           seen: str = "") -> str:
    """Fill `{item.x}`, `{request.x}`, `{value}` and `{seen}`; `{x?words}` uses the words when x is undocumented."""

    def fill(match: re.Match[str]) -> str:
        name, fallback = match.group(1), match.group(2)
        head, _, rest = name.partition(".")
        if head == "value":
            found: Any = value
        elif head == "seen":
            found = seen or None
        elif head == "item":
            found = read(item, tuple(rest.split("."))) if item is not None else None
        elif head == "request":
            found = read(request, tuple(rest.split(".")))
        else:
            return match.group(0)
        if found is None or found == [] or found == ():
            return fallback if fallback is not None else ""
        return _month_year(found) if rest.endswith("date") else say(found)

    if "{" not in template:  # most asks and messages name no placeholder: tidied once, not per finding
        return _tidy_plain(template)
    return _tidy(_PLACEHOLDER.sub(fill, template))


_SPACES = re.compile(r"\s{2,}")


def fixed_text(template: str) -> str | None:
    """What `render` gives for a template that names no placeholder (the same whatever it is rendered
    with), so a caller can render it once; None for a template with placeholders."""
    return None if "{" in template else _tidy(template)


def _tidy(text: str) -> str:
    return _SPACES.sub(" ", text).replace(" ,", ",").strip()


@functools.lru_cache(maxsize=4096)  # keyed by the criteria's own template strings, a bounded set
def _tidy_plain(template: str) -> str:
    return _tidy(template)


def citation_line(cs: CriteriaSet) -> str:
    pages = ", ".join(str(p) for p in cs.citation.pages)
    label = "p." if len(cs.citation.pages) == 1 else "pp."
    where = f", {label} {pages}" if pages else (", unpaginated" if cs.citation.unpaginated else "")
    return f"{cs.source} {cs.document}, {cs.citation.section}{where} [{cs.edition}]"


def unverified_note(findings: Sequence[Finding]) -> str:
    """Said once per request, not after every sentence: which criteria rest on an unverified threshold."""
    titles = [f.title for f in findings if f.confidence == "U"]
    if not titles:
        return ""
    return (f"{CONFIDENCE_WORDS['U'].capitalize()}s (commonly applied, not yet checked against the guideline "
            f"text): {'; '.join(titles)}.")


def verdict(subject: str, prediction: str) -> str:
    necessary = "medically necessary" if prediction == "overturn" else "not medically necessary"
    return f"Therefore, the request for {subject} is {necessary}."


def rationale(treatment_name: str, requested_as: str, prediction: str, basis: str, findings: Sequence[Finding],
              primary: str | None = None, score: Score | None = None) -> str:
    """A paragraph in the shape IMR rationales take: the guideline, the case, the conclusion — and, where
    the criteria are not all met, how likely a reviewer still is to overturn and what moved it."""
    subject = requested_as or treatment_name
    necessary = "medically necessary" if prediction == "overturn" else "not medically necessary"
    if basis == "companion":
        return (
            f"This is a companion request that accompanies the primary request {primary!r}. "
            f"The primary request is predicted to be {'' if prediction == 'overturn' else 'not '}medically necessary, "
            f"so the request for {subject} is likewise {necessary}."
        )
    likelihood = f" {_score_sentence_of(score)}" if score is not None else ""
    if basis == "no_criteria":
        return (
            f"imrcheck has no criteria set that covers {treatment_name} on this date, so the prediction follows "
            f"the base rate of its category.{likelihood} The request for {subject} is predicted {necessary}; "
            f"review it against the applicable guideline by hand."
        )
    # The findings and the score are often the very objects of an earlier request (the evaluator shares
    # them): what the paragraph says of them is kept, keyed by their identities (the entry holds them).
    key = (id(score), *map(id, findings))
    kept = _BODIES.get(key)
    if kept is not None and kept[0] is score and all(a is b for a, b in zip(kept[1], findings, strict=True)):
        body = kept[2]
    else:
        body = _body(findings, likelihood)
        _BODIES.put(key, (score, tuple(findings), body))
    return f"{body} {verdict(subject, prediction)}"


_BODIES: Bounded[tuple[int, ...], tuple[Score | None, tuple[Finding, ...], str]] = Bounded(4096)


def _body(findings: Sequence[Finding], likelihood: str) -> str:
    """The guideline applied, what the case shows against it and, where not all is met, the likelihood."""
    sources = sorted({f.citation for f in findings})
    all_met = all(f.status == "met" for f in findings)
    deciding = list(findings) if all_met else [f for f in findings if f.status != "met"]
    parts = [f"Applying {'; '.join(sources)}:"]
    parts.extend(f.message.rstrip(".") + "." for f in deciding)
    if not all_met and not any(f.status == "unmet" for f in deciding):
        parts.append("The records do not document what the guideline requires.")
    unverified = sum(f.confidence == "U" for f in deciding)
    if unverified:
        parts.append(f"Thresholds marked unverified ({unverified} of these criteria) are commonly applied but not yet "
                     "checked against the guideline text.")
    if not all_met and likelihood:
        parts.append(likelihood.strip())
    return " ".join(parts)


# The evaluator shares one Score between requests scored alike: its sentence is kept with it.
_SENTENCES: ByIdentity[Score, str] = ByIdentity()


def _score_sentence_of(score: Score) -> str:
    found = _SENTENCES.get(score)
    return found if found is not None else _SENTENCES.put(score, score_sentence(score))


def score_sentence(score: Score) -> str:
    """How likely an overturn is and the parts of the score that moved it most, in points (log-odds)."""
    moved = "; ".join(f"{c.name} {c.points:+.2f}" for c in score.movers())
    why = f" (base rate {score.base:+.2f} points; moved by {moved})" if moved else f" (base rate {score.base:+.2f} points)"
    return f"Reviewers overturned requests scored like this one with probability {score.probability:.0%}{why}."
