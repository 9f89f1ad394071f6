"""A generator of invented IMR letters, for tests and benchmarks of `imrcheck evaluate`.

Every letter is made up here (no text from real letters): the 2014 header layout the parser reads,
a clinical summary whose documented facts vary, one to three disputed items, and the reviewer's
decision on each, about nine in ten upheld. A decision leans on the facts the way real ones do: an
item whose summary documents what its guideline asks for is overturned more often. A documented
item's sentences document every criterion of the sets that judge it (`GeneratedLetter.documented`
says which items are), so the pipeline predicts it overturned (tests/backtest/test_synthetic.py). A share of the
files are not letters at all (binary data, a cut-off letter, plain prose, an empty file) so that
skipping is exercised; an item naming no catalog treatment exercises item-level skips.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from engine.backtest.metrics import Decision

SHARD = 1000
_MTUS = "Decision based on MTUS Chronic Pain Treatment Guidelines"


@dataclass(frozen=True)
class _Treatment:
    title: str
    guideline: str
    # Sentences documenting every criterion of the sets that judge the item (the wording of
    # tests/e2e/documented_summaries.yaml), so that a documented item is one the pipeline can overturn.
    supportive: str
    against: str  # a sentence documenting that it is not met, or "" to leave it undocumented
    # The visits or sessions ({n} in the title) an item may ask for: any of four when undocumented; when
    # documented, counts the guideline allows on top of the earlier visits the supportive text states.
    documented_counts: tuple[int, int, int, int] = (4, 6, 8, 12)


_ANY_COUNT = (4, 6, 8, 12)
_TREATMENTS = (
    _Treatment("Repeat lumbar epidural steroid injection at left L4-L5", f"{_MTUS} Epidural Steroid Injections Page(s): 46.",
               "She had a prior lumbar epidural steroid injection at L4-5 on 6/1/2013 with 70% relief for 8 weeks "
               "and reduced medication use with improved function.",
               "She had a prior lumbar epidural steroid injection at L4-5 on 6/1/2013 with 20% relief for 2 weeks."),
    _Treatment("Physical therapy {n} visits for the lumbar spine", f"{_MTUS} Physical Medicine Page(s): 98-99.",
               "She completed 4 sessions of physical therapy for the low back with functional improvement.",
               "She completed 24 sessions of physical therapy without improvement.", documented_counts=(2, 4, 4, 6)),
    _Treatment("Norco 10/325mg 1 PO TID", f"{_MTUS} Opioids Page(s): 76-80.",
               "She takes Norco 10/325 mg three times a day. With Norco her pain falls from 8/10 to 4/10, and it lets her do "
               "household chores. She reports no side effects from the medication. There is no aberrant drug-taking "
               "behavior. A urine drug screen was consistent with the prescribed medication.", ""),
    _Treatment("MRI of the lumbar spine", "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 303-304.",
               "She has a history of breast cancer and reports unexplained weight loss. No imaging of the lumbar spine "
               "has been done.",
               "There are no red flags and no neurologic deficit."),
    _Treatment("Medrol dosepak", "The Expert Reviewer did not base their decision on the MTUS. Decision based on Non-MTUS "
               "Citation Official Disability Guidelines (ODG), Low Back Chapter, Corticosteroids (oral).",
               "A new flare of pain radiating to the left leg began two weeks ago, with a positive straight leg raise on "
               "the left. She takes ibuprofen 800 mg three times a day. The risks of oral steroids and their modest "
               "benefit were discussed with her.",
               "Pain does not radiate."),
    _Treatment("TENS unit for home use", f"{_MTUS} TENS Page(s): 114-116.",
               "She has had low back pain for the past two years. Chiropractic care and NSAIDs gave only minimal relief. "
               "She completed a one-month TENS trial at home with less pain and less medication use.", ""),
    _Treatment("Cyclobenzaprine 7.5mg 1 PO TID #30", f"{_MTUS} Muscle relaxants Page(s): 63-66.",
               "She takes naproxen 550 mg twice a day and has an acute flare with muscle spasm after lifting last week. "
               "She has not taken a muscle relaxant before.",
               "She has taken cyclobenzaprine since 2012."),
    _Treatment("Acupuncture {n} sessions for the lumbar spine", "Decision based on MTUS Acupuncture Medical Treatment Guidelines.",
               "She had 6 chiropractic visits for the low back last year and continues a daily home exercise program.", "",
               documented_counts=(3, 4, 6, 6)),
    _Treatment("Recliner chair for home use", "Decision based on Non-MTUS Citation ACOEM Guidelines, Chapter 12, page 301.", "", ""),
)
_OPENINGS = (
    "This invented worker is a {age}-year-old {job} who injured the low back on {injury} lifting boxes.",
    "The injured worker is a made-up {age}-year-old {job} with low back pain since a fall on {injury}.",
)
_JOBS = ("clerk", "driver", "nurse's aide", "machinist", "cook", "teacher", "warehouse worker")
_PAIN = ("Low back pain is rated {pain}/10.", "She reports low back pain at {pain}/10 radiating to the left leg.",
         "He complains of aching low back pain, {pain}/10, without radiation.")
_WORK = ("She is on modified duty.", "He remains on temporary total disability.", "She returned to full duty.", "")
_SPECIALTIES = ("Physical Medicine & Rehabilitation", "Orthopedic Surgery", "Anesthesiology", "Family Medicine")


@dataclass(frozen=True)
class GeneratedLetter:
    """A letter's text and what it holds (decisions None for a file that is not a letter)."""

    name: str
    text: str | bytes
    decisions: tuple[Decision, ...] = ()
    mapped: tuple[bool, ...] = ()
    documented: tuple[bool, ...] = ()  # per item: the summary holds its supportive sentences

    @property
    def is_letter(self) -> bool:
        return bool(self.decisions)


def _date(rng: random.Random, year: int) -> str:
    return f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{year}"


def item_block(title: str, decision: Decision, guideline: str) -> str:
    """One disputed item in the 2014 layout: title and decision, both guidelines and a rationale."""
    necessary = "medically necessary" if decision == "overturned" else "not medically necessary"
    return (f"{title}: {decision.capitalize()}\n\n"
            f"Claims Administrator guideline: {guideline}\n\n"
            f"MAXIMUS guideline: {guideline}\n\n"
            f"Decision rationale: The invented rationale weighs the documented facts against the guideline. "
            f"Therefore, the request is {necessary}.\n\n")


def letter_text(case_number: str, assigned: str, ur_denial: str, specialty: str, summary: str, items: list[str]) -> str:
    """A whole letter in the 2014 header layout the parser reads, around a summary and item blocks."""
    return (f"Case Number: {case_number}        Date Assigned: {assigned}\n\n"
            f"UR Denial Date: {ur_denial}       Priority: Standard\n\n"
            " HOW THE IMR FINAL DETERMINATION WAS MADE \n\n"
            "An invented independent physician reviewed the whole file for this made-up dispute.\n\n"
            "The Expert Reviewer has the following credentials: \n\n"
            f"State(s) of Licensure: California \n\nCertification(s)/Specialty: {specialty}\n\n"
            " CLINICAL CASE SUMMARY \n\n"
            "The expert reviewer developed the following clinical case summary based on a review of the \n"
            "case file, including all medical records: \n\n"
            f"{summary}\n\n"
            "IMR ISSUES, DECISIONS AND RATIONALES \n\n"
            "The Final Determination was based on decisions for the disputed items/services set forth below: \n\n"
            + "".join(items))


def _item(rng: random.Random, treatment: _Treatment, supported: bool) -> tuple[str, str, Decision]:
    decision: Decision = "overturned" if rng.random() < (0.6 if supported else 0.03) else "upheld"
    # Same draw either way (a tuple of four), so a seed gives the same decisions whatever the texts say.
    title = treatment.title.format(n=rng.choice(treatment.documented_counts if supported else _ANY_COUNT))
    return item_block(title, decision, treatment.guideline), title, decision


def letter(rng: random.Random, number: int) -> GeneratedLetter:
    """One well-formed letter with one to three items."""
    year = rng.choice((2013, 2014, 2015))
    chosen = rng.sample(_TREATMENTS, rng.choice((1, 1, 2, 3)))
    facts, blocks, decisions, mapped, documented = [], [], [], [], []
    for treatment in chosen:
        supported = rng.random() < 0.15
        sentence = treatment.supportive if supported else (treatment.against if rng.random() < 0.5 else "")
        if sentence:
            facts.append(sentence)
        block, _, decision = _item(rng, treatment, supported)
        blocks.append(block)
        decisions.append(decision)
        mapped.append(not treatment.title.startswith("Recliner"))
        documented.append(supported and bool(treatment.supportive))
    summary = " ".join(s for s in (
        rng.choice(_OPENINGS).format(age=rng.randint(25, 64), job=rng.choice(_JOBS), injury=_date(rng, year - 2)),
        rng.choice(_PAIN).format(pain=rng.randint(3, 9)), *facts, rng.choice(_WORK)) if s)
    text = letter_text(f"CM{year % 100:02d}-{number:07d}", _date(rng, year), _date(rng, year), rng.choice(_SPECIALTIES),
                       summary, blocks)
    return GeneratedLetter(f"letter_{number:06d}.txt", text, tuple(decisions), tuple(mapped), tuple(documented))


def not_a_letter(rng: random.Random, number: int) -> GeneratedLetter:
    """A file that must be skipped: binary data, prose, an empty file, or a letter cut before its decisions."""
    kind = number % 4
    if kind == 0:
        return GeneratedLetter(f"letter_{number:06d}.txt", bytes(rng.randrange(256) for _ in range(512)))
    if kind == 1:
        return GeneratedLetter(f"letter_{number:06d}.txt", "Minutes of the invented garden club. Tomatoes were discussed.\n")
    if kind == 2:
        return GeneratedLetter(f"letter_{number:06d}.txt", "")
    cut = str(letter(rng, number).text).split("IMR ISSUES")[0]
    return GeneratedLetter(f"letter_{number:06d}.txt", cut)


def generate(count: int, *, seed: int = 0, bad_share: float = 0.02) -> Iterator[GeneratedLetter]:
    """`count` files, deterministic for a seed; about `bad_share` of them are not letters."""
    rng = random.Random(seed)
    for number in range(count):
        yield not_a_letter(rng, number) if rng.random() < bad_share else letter(rng, number)


@dataclass
class CorpusStats:
    """What a written corpus holds, to check a back-test against."""

    files: int = 0
    letters: int = 0
    upheld: int = 0
    overturned: int = 0
    unmapped_items: int = 0
    bad: list[str] = field(default_factory=list)


def write_corpus(folder: Path, count: int, *, seed: int = 0, bad_share: float = 0.02, shard: int = SHARD) -> CorpusStats:
    """Write the files into sub-folders of `shard` files each (`0000/`, `0001/`, …) and count what they hold."""
    stats = CorpusStats()
    for index, generated in enumerate(generate(count, seed=seed, bad_share=bad_share)):
        target = folder / f"{index // shard:04d}" / generated.name
        if index % shard == 0:
            target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(generated.text, bytes):
            target.write_bytes(generated.text)
        else:
            target.write_text(generated.text, encoding="utf-8")
        stats.files += 1
        if not generated.is_letter:
            stats.bad.append(str(target))
            continue
        stats.letters += 1
        for decision, mapped in zip(generated.decisions, generated.mapped, strict=True):
            if not mapped:
                stats.unmapped_items += 1
            elif decision == "upheld":
                stats.upheld += 1
            else:
                stats.overturned += 1
    return stats
