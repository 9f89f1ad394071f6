"""The drug table (guideline_criteria/drugs.yaml, engine/drugs.py): one generic per name, names found
in free text, and drug names made canonical before criteria read them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.catalog import TreatmentCatalog
from engine.drugs import canonical_drug, generic_of, load_drug_table, parse_drug_table
from engine.errors import CriteriaLoadError, UnknownTreatmentError
from engine.evaluate import canonicalize
from engine.extract import extract_case
from engine.models import Case

TABLE = load_drug_table()
GENERICS = frozenset(d.generic for d in TABLE.drugs)


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("SOMA 350", "carisoprodol"),
        ("Soma 350 mg", "carisoprodol"),
        ("soma", "carisoprodol"),
        ("carisoprodol 350mg", "carisoprodol"),
        ("Norco 10/325", "hydrocodone"),
        ("Norco 10/325 #90", "hydrocodone"),
        ("hydrocodone/APAP 5/325 mg", "hydrocodone"),
        ("Tylenol #3", "codeine"),
        ("Tylenol No. 3 #60", "codeine"),
        ("Tylenol with Codeine", "codeine"),
        ("Lidoderm 5% patch", "lidocaine"),
        ("EC-Naprosyn 500 mg", "naproxen"),
        ("Opana ER 10 mg", "oxymorphone"),
        ("Medrol dosepak", "methylprednisolone"),
        ("Duragesic 25 mcg/h", "fentanyl"),
        ("dexlansoprazole 60 mg", "dexlansoprazole"),  # not lansoprazole: whole words only
        ("escitalopram", "escitalopram"),
        ("muscle relaxant", None),
        ("Tylenol 500 mg", None),  # acetaminophen is not in the table; "Tylenol #3" is codeine
        ("Soma350", None),  # not a whole word
        ("kratom", None),
        ("", None),
    ],
)
def test_names_in_free_text_find_their_generic(text: str, generic: str | None) -> None:
    assert generic_of(text) == generic


def test_the_first_drug_named_is_the_one_found_with_its_span() -> None:
    text = "Take Norco 10/325 and Soma 350 #30"
    mention = TABLE.find(text)
    assert mention is not None
    assert (mention.generic, text[mention.start : mention.end]) == ("hydrocodone", "Norco")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("drugs: [{generic: a, family: opioid, names: [Brand]}, {generic: b, family: nsaid, names: [BRAND]}]",
         "the name 'BRAND' is claimed by both a and b"),
        ("drugs: [{generic: a, family: opioid}, {generic: b, family: nsaid, names: [a]}]",
         "the name 'a' is claimed by both a and b"),
        ("drugs: [{generic: a, family: opioid}, {generic: a, family: nsaid}]", "a is listed twice"),
        ("drugs: [{generic: Soma, family: muscle_relaxant}]", "should match pattern"),
        ("drugs: [{generic: a, family: opioid, names: ['--']}]", "names without a letter or digit"),
        ("drugs: [{generic: a, family: opioid, brands: [b]}]", "brands: Extra inputs"),
    ],
)
def test_a_bad_drug_table_is_a_load_error_naming_the_file(text: str, message: str) -> None:
    with pytest.raises(CriteriaLoadError, match=message) as raised:
        parse_drug_table(text, source="drugs.yaml")
    assert "drugs.yaml" in str(raised.value)


def test_the_bundled_table_gives_each_name_to_one_generic() -> None:
    """The loader refuses a name claimed twice; this checks the bundled table loads under that rule."""
    owners: dict[str, set[str]] = {}
    for drug in TABLE.drugs:
        for name in drug.every_name:
            owners.setdefault(" ".join(name.lower().split()), set()).add(drug.generic)
    assert {name: gens for name, gens in owners.items() if len(gens) > 1} == {}
    assert len(GENERICS) == len(TABLE.drugs) > 50


def test_every_family_is_a_medication_of_the_catalog(catalog: TreatmentCatalog) -> None:
    families = {d.family for d in TABLE.drugs}
    assert families <= set(catalog.treatments)
    assert {catalog.get(f).category for f in families} == {"pharmaceutical"}


@pytest.mark.parametrize("drug", TABLE.drugs, ids=[d.generic for d in TABLE.drugs])
def test_the_catalog_files_every_name_under_the_drugs_family(catalog: TreatmentCatalog, drug: Any) -> None:
    """The catalog keeps its own synonyms (treatment resolution); it must not disagree with the table.
    A generic it does not know at all is allowed: plain "lidocaine" could be a patch, a cream or an injection."""
    for name in drug.names:
        assert catalog.resolve(name).id == drug.family, name
    try:
        family = catalog.resolve(drug.generic).id
    except UnknownTreatmentError:
        return
    assert family == drug.family


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_generic_of_never_raises_and_answers_a_known_generic_or_none(text: str) -> None:
    assert generic_of(text) in GENERICS | {None}


@settings(max_examples=200, deadline=None)
@given(
    drug=st.sampled_from(TABLE.drugs),
    pick=st.integers(min_value=0),
    before=st.sampled_from(["", "Rx: ", "retro request for ", "("]),
    after=st.sampled_from(["", " 350", " 10/325 mg #90", " 5% patch", ", 1 PO BID prn", ")"]),
    upper=st.booleans(),
)
def test_any_name_with_strengths_and_directions_around_it_is_found(
    drug: Any, pick: int, before: str, after: str, upper: bool
) -> None:
    name = drug.every_name[pick % len(drug.every_name)]
    text = f"{before}{name.upper() if upper else name}{after}"
    assert generic_of(text) == drug.generic


@pytest.mark.parametrize(
    ("drug", "named_in", "expected"),
    [
        ("SOMA 350", "muscle relaxant", "carisoprodol"),
        (None, "Soma 350 mg", "carisoprodol"),
        ("kratom", "opioid", "kratom"),  # unknown: kept as written
        (None, "muscle relaxant", None),
        ("Celebrex", "Soma", "celecoxib"),  # the drug as given wins over the title
    ],
)
def test_canonical_drug(drug: str | None, named_in: str | None, expected: str | None) -> None:
    assert canonical_drug(drug, named_in) == expected


def test_canonicalize_names_drugs_by_generic_and_keeps_the_rest(catalog: TreatmentCatalog) -> None:
    case = Case.model_validate({
        "history": {"medications": [
            {"name": "Norco 10/325", "current": True},
            {"name": "pain pill", "drug": "kratom"},
            {"name": "muscle relaxant", "drug": "Flexeril 10 mg"},
        ]},
        "requests": [
            {"id": "r1", "treatment": "SOMA 350 mg #60"},
            {"id": "r2", "treatment": "muscle relaxant", "drug": "soma"},
            {"id": "r3", "treatment": "trigger point injection with lidocaine"},
            {"id": "r4", "treatment": "compounded cream", "ingredients": ["Flurbiprofen 20%", "Lidoderm", "menthol"]},
        ],
    })
    canonical = canonicalize(case, catalog)
    assert canonical.history is not None and canonical.history.medications is not None
    assert [m.drug for m in canonical.history.medications] == ["hydrocodone", "kratom", "cyclobenzaprine"]
    assert [r.drug for r in canonical.requests] == ["carisoprodol", "carisoprodol", None, None]
    assert canonical.requests[3].ingredients == ("flurbiprofen", "lidocaine", "menthol")
    # The case as written is untouched: the evaluator quotes it (requested_as).
    assert (case.requests[0].treatment, case.requests[1].drug) == ("SOMA 350 mg #60", "soma")


@pytest.mark.parametrize(
    ("title", "drug", "quantity"),
    [
        ("Tylenol #3", "codeine", None),  # the "#3" is the product, not a count
        ("Tylenol #3 1 PO q6h #60", "codeine", 60),
        ("Norco 10/325 #90", "hydrocodone", 90),
        ("Soma 350 mg #30", "carisoprodol", 30),
    ],
)
def test_extracted_titles_read_the_drug_and_the_quantity_after_its_name(
    title: str, drug: str, quantity: int | None
) -> None:
    request = extract_case("Low back pain.", [title]).case.requests[0]
    assert (request.drug, request.quantity) == (drug, quantity)
