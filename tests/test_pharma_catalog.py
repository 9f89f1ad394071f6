"""The pharmaceutical names clinics and letters use resolve to the right treatment, and drug names
resolve to the right opioid for the morphine-equivalent dose."""

from __future__ import annotations

import pytest

from engine.catalog import TreatmentCatalog, parse_catalog
from engine.drugs import load_drug_table
from engine.morphine import load_conversion_table

FAMILIES: dict[str, list[str]] = {
    "opioid": [
        "Norco", "Norco 10/325 mg #120", "Vicodin", "hydrocodone/APAP 10/325", "hydrocodone/acetaminophen", "Percocet",
        "oxycodone 10 mg", "OxyContin 20 mg ER", "Ultram", "tramadol 50 mg", "Ultracet", "Nucynta", "tapentadol",
        "morphine sulfate", "MS Contin 30 mg", "Dilaudid", "fentanyl patch", "Duragesic 25 mcg/h", "methadone",
        "codeine", "Tylenol #3", "Tylenol with Codeine", "Butrans", "buprenorphine", "Opana ER",
    ],
    "muscle_relaxant": [
        "Soma", "Soma 350 mg", "carisoprodol", "Flexeril", "Fexmid 7.5 mg", "cyclobenzaprine", "Zanaflex", "tizanidine",
        "Skelaxin", "metaxalone", "Robaxin", "methocarbamol 750 mg", "baclofen", "Amrix",
    ],
    "nsaid": [
        "naproxen", "naproxen sodium 550 mg", "Anaprox DS", "Naprosyn", "ibuprofen 800 mg", "Motrin", "meloxicam",
        "Mobic 15 mg", "diclofenac", "Voltaren 75 mg", "celecoxib", "Celebrex", "etodolac", "nabumetone", "Relafen",
    ],
    "proton_pump_inhibitor": [
        "omeprazole 20 mg", "Prilosec", "pantoprazole", "Protonix", "esomeprazole", "Nexium", "lansoprazole", "Prevacid",
    ],
    "oral_corticosteroid": ["Medrol dosepak", "Medrol Dosepack", "methylprednisolone", "prednisone 10 mg", "Deltasone"],
    "topical_analgesic": [
        "Terocin", "Terocin lotion", "Flector", "Flector patch", "Voltaren Gel", "Voltaren gel 1%", "ketoprofen",
        "Ketoprofen 20% cream", "capsaicin", "capsaicin 0.025% cream", "compounded cream", "compound cream",
        "Gabapentin 10%/Diclofenac 3%/Capsaicin cream", "Flurbiprofen 20%/Lidocaine 5% cream", "lidocaine cream",
        "Cyclobenzaprine 2% / Baclofen 2% in a compounded base", "Pennsaid",
    ],
    "lidocaine_patch": ["Lidoderm", "Lidoderm 5% patch", "lidocaine patch", "lidocaine 5% patch #30"],
    "anticonvulsant": ["gabapentin 600 mg", "Neurontin", "Lyrica", "pregabalin", "topiramate", "Topamax"],
    "antidepressant": ["Cymbalta", "duloxetine 60 mg", "amitriptyline", "Elavil", "nortriptyline", "Effexor"],
    "urine_drug_screen": ["urine drug screen", "UDS", "urine toxicology", "urine drug test"],
}
TABLE = [(name, family) for family, names in FAMILIES.items() for name in names]


@pytest.mark.parametrize(("name", "family"), TABLE, ids=[name for name, _ in TABLE])
def test_each_name_resolves_to_its_family(catalog: TreatmentCatalog, name: str, family: str) -> None:
    assert catalog.resolve(name).id == family


@pytest.mark.parametrize(
    ("name", "drug"),
    [("Norco", "hydrocodone"), ("Vicodin", "hydrocodone"), ("Percocet", "oxycodone"), ("OxyContin", "oxycodone"),
     ("Ultram", "tramadol"), ("Ultracet", "tramadol"), ("Nucynta", "tapentadol"), ("MS Contin", "morphine"),
     ("Dilaudid", "hydromorphone"), ("Duragesic", "fentanyl"), ("methadone", "methadone"),
     ("Tylenol #3", "codeine"), ("Butrans", "buprenorphine"), ("Opana", "oxymorphone")],
)
def test_every_opioid_brand_names_a_drug_of_the_conversion_table(catalog: TreatmentCatalog, name: str, drug: str) -> None:
    entry = load_conversion_table().find(name)
    assert entry is not None and entry.drug == drug
    assert catalog.resolve(name).id == "opioid"


def test_every_opioid_in_the_conversion_table_is_an_opioid_of_the_drug_table(catalog: TreatmentCatalog) -> None:
    drugs = load_drug_table()
    for entry in load_conversion_table().drugs:
        drug = drugs.get(entry.drug)
        assert drug is not None, f"{entry.drug} has a conversion factor but is not a generic of drugs.yaml"
        assert drug.family == "opioid", entry.drug
        for name in drug.names:
            assert catalog.resolve(name).id == "opioid", name


def test_a_product_form_makes_a_drug_topical_only_for_medications() -> None:
    catalog = parse_catalog(
        """\
categories: {pharmaceutical: Medications, injection: Injections}
treatments:
  - {id: anticonvulsant, name: anticonvulsant, category: pharmaceutical, synonyms: [gabapentin]}
  - {id: topical, name: topical, category: pharmaceutical, forms: [cream, gel]}
  - {id: knee_injection, name: knee injection, category: injection, synonyms: [hyaluronic acid]}
""",
        source="catalog.yaml",
    )
    assert catalog.resolve("gabapentin 10% cream").id == "topical"
    assert catalog.resolve("gabapentin 300 mg").id == "anticonvulsant"
    assert catalog.resolve("hyaluronic acid gel injection").id == "knee_injection"
