"""Details a question's answer needs to be true to the record, though no criterion reads them.

"Straight-leg raise result" is positive or negative *on a side*; "sensory loss in a dermatome" is loss
in *which* dermatome. The criteria judge the first part only, so the questionnaire asks the second as a
detail of the same question: it is recorded in the case where the case model keeps it, and never
changes which questions are asked or what is predicted.
"""

from __future__ import annotations

from engine.questionnaire.model import Detail
from engine.questionnaire.refs import answer_type

# question field -> (detail field, its prompt)
_DETAILS: dict[str, tuple[tuple[str, str], ...]] = {
    "exam.straight_leg_raise": (("exam.straight_leg_raise_side", "Side"),),
    "exam.dermatomal_sensory_loss": (("exam.sensory_levels", "Which dermatome (e.g. L5, S1)"),),
}


def details_for(field: str, asked: set[str]) -> tuple[Detail, ...]:
    """The details of the question on `field` (none whose field is itself asked as a question)."""
    made = []
    for detail_field, prompt in _DETAILS.get(field, ()):
        if detail_field in asked:
            continue
        kind, choices = answer_type(detail_field)
        made.append(Detail(id=detail_field, field=detail_field, answer_type=kind, choices=choices, prompt=prompt))
    return tuple(made)
