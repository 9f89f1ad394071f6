"""Strict loading: each mistake in a criteria file is a load error naming file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from engine.catalog import TreatmentCatalog
from engine.criteria.loader import load_set
from engine.criteria.pack import load_pack
from engine.criteria.schema import CriteriaSet
from engine.errors import CriteriaLoadError, UnknownTreatmentError
from engine.models import Case

GOOD = """\
id: my_set
title: A test set
source: MTUS
document: Chronic Pain Medical Treatment Guidelines
edition: mtus_2009
effective_from: 2009-07-18
citation: {section: Physical medicine, pages: [98]}
topic: physical_medicine.test
applies_to: {treatments: [physical_therapy]}
confidence: U
summary: A set written for the loader tests.
criteria:
  - id: visits
    title: Visits within ten
    when:
      op: lte
      path: request.visits
      value: 10
      ask: "The number of visits requested"
    messages: {met: ok, unmet: too many, missing: not stated}
"""


def _load(text: str, catalog: TreatmentCatalog, stem: str = "my_set") -> CriteriaSet:
    return load_set(text, source=f"{stem}.yaml", stem=stem, catalog=catalog)


def test_the_good_file_loads(catalog: TreatmentCatalog) -> None:
    assert _load(GOOD, catalog).criteria[0].id == "visits"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("      value: 10\n", "      value: 10\n      colour: red\n"), "my_set.yaml:19: criteria.0.when.colour"),
        (("op: lte", "op: around"), "my_set.yaml:16"),
        (("path: request.visits", "path: request.vists"),
         "my_set.yaml:17: criterion 'visits': path 'request.vists' is not a case field; did you mean 'request.visits'?"),
        (("path: request.visits", "path: history.therapy_courses.visits"),
         "crosses a collection; add select.pick"),
        (("op: lte\n      path: request.visits\n      value: 10\n", "op: is_true\n      path: request.visits\n"),
         "operator 'is_true' does not apply to 'request.visits' (number)"),
        (("citation: {section: Physical medicine, pages: [98]}", "citation: {section: Physical medicine}"),
         "a MTUS citation names its pages"),
        (("citation: {section: Physical medicine, pages: [98]}\n", ""), "citation: Field required"),
        (("treatments: [physical_therapy]", "treatments: [physio_therapy]"), "unknown treatment 'physio_therapy'"),
        (('ask: "The number of visits requested"', 'ask: "Visits for {patient.name} please"'),
         "unknown placeholder {patient.name}"),
    ],
)
def test_each_mistake_is_reported_with_file_and_line(catalog: TreatmentCatalog, change: tuple[str, str],
                                                      message: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(CriteriaLoadError) as raised:
        _load(text, catalog)
    assert any(message in p for p in raised.value.problems), raised.value.problems


def test_yaml_syntax_errors_name_line_and_column(catalog: TreatmentCatalog) -> None:
    with pytest.raises(CriteriaLoadError, match=r"my_set.yaml:\d+:\d+: not valid YAML"):
        _load("id: my_set\ntitle: [unclosed\n", catalog)


def test_the_file_name_must_be_the_id(catalog: TreatmentCatalog) -> None:
    with pytest.raises(CriteriaLoadError, match="the file name must be the set's id"):
        _load(GOOD, catalog, stem="other_name")


def test_user_sets_add_to_the_pack_and_duplicates_within_them_fail(tmp_path: Path) -> None:
    (tmp_path / "my_set.yaml").write_text(GOOD)
    pack = load_pack([tmp_path])
    assert "my_set" in pack.sets and "mtus_2009_esi_repeat" in pack.sets
    nested = tmp_path / "again"
    nested.mkdir()
    (nested / "my_set.yaml").write_text(GOOD)
    with pytest.raises(CriteriaLoadError, match="set id 'my_set' is already used"):
        load_pack([tmp_path])


def test_a_user_set_may_override_a_bundled_one_by_id(tmp_path: Path) -> None:
    text = GOOD.replace("id: my_set", "id: mtus_2009_physical_medicine")
    (tmp_path / "mtus_2009_physical_medicine.yaml").write_text(text)
    pack = load_pack([tmp_path])
    assert pack.get("mtus_2009_physical_medicine").title == "A test set"


def test_checked_in_json_schemas_are_current() -> None:
    for name, model in (("case.schema.json", Case), ("criteria-set.schema.json", CriteriaSet)):
        on_disk = json.loads((REPO / "schemas" / name).read_text())
        assert on_disk == model.model_json_schema(by_alias=True), f"regenerate schemas/{name} with `imrcheck schema`"


@pytest.mark.parametrize(
    ("name", "treatment"),
    [("Norco", "opioid"), ("selective nerve root block", "epidural_steroid_injection"),
     ("TFESI", "epidural_steroid_injection"), ("Medrol dosepak", "oral_corticosteroid"),
     ("physical_therapy", "physical_therapy"), ("MRI lumbar spine", "mri")],
)
def test_catalog_resolves_names_synonyms_and_brands(catalog: TreatmentCatalog, name: str, treatment: str) -> None:
    assert catalog.resolve(name).id == treatment


def test_unknown_treatment_suggests_close_names(catalog: TreatmentCatalog) -> None:
    with pytest.raises(UnknownTreatmentError) as raised:
        catalog.resolve("acupunture")
    assert raised.value.suggestions[0] == "acupuncture"
