"""What a study shows that surgery is judged on, and the examination signs of that lesion.

The ACOEM chapters adopted in the MTUS ask of every surgery the same three things: clear imaging (or
electrodiagnostic) evidence of a lesion that surgery repairs, examination findings that match it,
and conservative care that failed first, unless the lesion is one repaired early (a complete
tendon tear, a fracture, a dislocation). A spinal fusion also needs instability. This module reads
the first two from a study's sentence and from the examination sentences:

- `surgical_lesion`: "full thickness tear of the supraspinatus", "labral tear", "tear of the
  medial meniscus", "disc extrusion", "a protrusion compressing the L5 nerve root", "severe foraminal stenosis",
  "spondylolisthesis", an electrodiagnostic study showing carpal tunnel syndrome;
- `early_repair_lesion`: a complete (full-thickness) tendon tear, a rupture, a fracture or a
  dislocation;
- `spinal_instability`: spondylolisthesis, spondylolysis or a pars defect, segmental instability;
- `osteoarthritis`: osteoarthritis or degenerative change of the joint;
- `structural_signs` (examination): instability or apprehension, locking, catching or giving way,
  a positive impingement, drop-arm, McMurray, Lachman, load-and-shift, Phalen or Tinel sign;
- for the knee chapter's imaging indications, `meniscus_or_ligament_tear_suspected` and
  `ottawa_knee_finding` from examination sentences about the knee (never from an imaging report).

A mention that is negated ("no fracture", "without instability") or uncertain ("possible labral
tear") does not count.
"""

from __future__ import annotations

import re

from engine.alternation import Gated, gated
from engine.extract.negation import affirmed

_TENDON = r"(?:rotator cuff|cuff|supraspinatus|infraspinatus|subscapularis|biceps|achilles|tendon|quadriceps|patellar)"
_EARLY = (
    r"full[- ]?thickness(?: \w+){0,3} tear|complete(?: \w+){0,2} (?:tear|rupture)|\bruptured?\b|"
    r"\b(?:fracture|fractures|fractured)\b|\bdislocation\b|\bdislocated\b|"
    r"\b(?:ACL|anterior cruciate ligament) (?:tear|rupture)|torn (?:ACL|anterior cruciate)"
)
_LESION = (
    _EARLY + "|"
    rf"{_TENDON}(?: tendon)? tear|tear(?:ing)? of the (?:\w+ ){{0,2}}{_TENDON}|partial[- ]?thickness(?: \w+){{0,3}} tear|"
    r"labral tear|labrum tear|tear of the (?:\w+ )?labrum|torn labrum|\bBankart\b|\bSLAP (?:tear|lesion)|Hill-?Sachs|"
    r"men[iu]sc\w* tear|tear (?:of|in) the (?:[\w-]+ ){0,5}?men[iu]sc\w*|torn (?:\w+ )?men[iu]sc\w*|"
    r"loose bod(?:y|ies)|osteochondral (?:defect|lesion)|"
    r"nerve root (?:impingement|compression|compromise|encroachment)|(?:compress|imping|displac)\w* (?:on |upon )?"
    r"(?:the |an? )?(?:\w+ ){0,2}(?:nerve roots?|thecal sac|spinal cord)|"
    r"(?:severe|moderate(?:ly severe)?|high[- ]grade)(?: \w+){0,2} stenosis|spondylolisthesis|"
    r"disc (?:extrusion|sequestration)|extruded disc|sequestered (?:disc|fragment)|free (?:disc )?fragment|"
    r"carpal tunnel syndrome|median (?:nerve )?(?:neuropathy|entrapment)|cubital tunnel syndrome|ulnar (?:nerve )?entrapment"
)
_INSTABILITY = (r"spondylolisthesis|spondylolysis|pars (?:defect|fracture|interarticularis defect)|"
                r"(?:segmental |spinal )?(?<!membrane )instability")

_EARLY_RE = gated(_EARLY, re.IGNORECASE)
_LESION_RE = gated(_LESION, re.IGNORECASE)
_INSTABILITY_RE = gated(_INSTABILITY, re.IGNORECASE)
_ARTHRITIS_RE = gated(r"osteoarthrit\w*|degenerative (?:joint disease|arthritis|change)|chondromalacia|"
                           r"joint space narrowing|bone[- ]on[- ]bone", re.IGNORECASE)
_SIGNS_RE = gated(
    r"\b(?:apprehension|(?<!membrane )instability|unstable|subluxation|locking|catching|giving way|gives way|buckling|"
    r"(?:positive|\+) (?:(?:\w+|,|and|/) ){0,6}?(?:impingement|Neer|Hawkins|drop[- ]arm|McMurray|Lachman|load and shift|"
    r"anterior drawer|Phalen|Tinel|Durkan|apprehension|relocation|O'Brien|jobe|empty can)|"
    r"(?:impingement|Neer|Hawkins|drop[- ]arm|McMurray|Lachman|Phalen|Tinel|apprehension)(?:'s)? (?:sign|test|maneuver)s? "
    r"(?:was |were |is |are )?positive)",
    re.IGNORECASE,
)


def _affirmed(pattern: Gated, text: str) -> bool:
    # Gated: a text without the words the pattern needs (most sentences) is not searched.
    return any(affirmed(text, m) for m in pattern.finditer(text))


def study_lesions(text: str) -> dict[str, bool]:
    """The lesion facts one study sentence states (only those it affirms; silence is not False)."""
    found: dict[str, bool] = {}
    if _affirmed(_LESION_RE, text):
        found["surgical_lesion"] = True
        if _affirmed(_EARLY_RE, text):
            found["early_repair_lesion"] = True
    if _affirmed(_INSTABILITY_RE, text):
        found["spinal_instability"] = True
    if _affirmed(_ARTHRITIS_RE, text):
        found["osteoarthritis"] = True
    return found


def structural_signs(text: str) -> bool:
    """Whether an examination sentence affirms a sign of a structural lesion."""
    return _affirmed(_SIGNS_RE, text)


# The knee chapter's reasons to image: a suspected meniscus or ligament tear (a positive McMurray,
# Lachman or drawer test; locking or giving way of the knee) and, after a blow or fall, an Ottawa-type
# finding (an effusion, inability to bear weight, patellar or fibular head tenderness).
_KNEE = gated(r"\bknees?\b|\bmeni?sc|\bMcMurray|\bLachman|\bpatell", re.IGNORECASE)
# An effusion an MRI reports is not the examination finding the Ottawa rules mean.
_IMAGING = gated(r"\b(?:MRI|CT|x-?rays?|radiographs?|imaging|ultrasound|scan|arthrogram)\b", re.IGNORECASE)
_TEAR_SIGNS = gated(
    r"\b(?:McMurray|Lachman|anterior drawer|posterior drawer|pivot shift|Apley|Thessaly)(?:'s)?(?: (?:sign|test|testing|maneuver))?"
    r"(?: (?:is|was|were))? positive|\bpositive (?:\w+ ){0,2}(?:McMurray|Lachman|anterior drawer|posterior drawer|pivot shift|"
    r"Apley|Thessaly)|\blocking\b|\bgiv(?:es|ing) way\b|\bbuckling\b",
    re.IGNORECASE,
)
_OTTAWA = gated(
    r"\b(?:unable to|inability to|could not|cannot|can't) (?:\w+ ){0,2}bear weight|\beffusion\b|"
    r"\b(?:patellar|fibular head) tenderness|tenderness (?:of|over|at) the (?:patella|fibular head)",
    re.IGNORECASE,
)


def _about_the_knee(text: str) -> bool:
    return _KNEE.search(text) is not None


def knee_tear_signs(text: str) -> bool:
    """Whether a sentence about the knee affirms a sign of a meniscus or ligament tear."""
    return _about_the_knee(text) and not _IMAGING.search(text) and _affirmed(_TEAR_SIGNS, text)


def ottawa_finding(text: str) -> bool:
    """Whether a sentence about the knee affirms an Ottawa-type finding."""
    return _about_the_knee(text) and not _IMAGING.search(text) and _affirmed(_OTTAWA, text)
