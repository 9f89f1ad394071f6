"""Item titles of the kinds real letters carry map to a catalog treatment and category (titles written
for the test in the archive's style), and short names do not grab words that mean something else."""

from __future__ import annotations

import pytest

from engine.catalog import TreatmentCatalog, parse_catalog

TITLES: list[tuple[str, str, str]] = [
    ("Standard wheelchair for a 1 month rental", "wheelchair", "durable_medical_equipment"),
    ("Knee scooter rental", "walking_aid", "durable_medical_equipment"),
    ("Front wheeled walker", "walking_aid", "durable_medical_equipment"),
    ("Purchase of a 3 in 1 commode", "bathroom_equipment", "durable_medical_equipment"),
    ("Shower chair", "bathroom_equipment", "durable_medical_equipment"),
    ("Hospital bed rental for 2 months", "hospital_bed", "durable_medical_equipment"),
    ("Sit-stand workstation for the office", "ergonomic_equipment", "durable_medical_equipment"),
    ("Hinged knee brace", "brace_orthosis", "durable_medical_equipment"),
    ("Associated surgical service: abduction sling", "brace_orthosis", "durable_medical_equipment"),
    ("Associated surgical service: cold therapy unit, 14 day rental", "cold_therapy_unit", "durable_medical_equipment"),
    ("Binaural hearing aids", "hearing_aid", "durable_medical_equipment"),
    ("Incontinence supplies, one month", "medical_supplies", "durable_medical_equipment"),
    ("Home health nurse visits, 2 per week", "nursing_visit", "home_health"),
    ("Daily RN visits for dressing changes", "nursing_visit", "home_health"),
    ("Home aide 4 hours per day", "home_health_care", "home_health"),
    ("PRP injection to the left elbow", "prp_injection", "injection"),
    ("Platelet rich plasma injection, right shoulder", "prp_injection", "injection"),
    ("Right knee cortisone injection", "joint_injection", "injection"),
    ("Synvisc-One injection for the left knee", "joint_injection", "injection"),
    ("Greater occipital nerve block", "nerve_block", "injection"),
    ("Spinal cord stimulator trial", "spinal_cord_stimulator", "injection"),
    ("EEG with sleep deprivation", "neurodiagnostic_test", "diagnostic_testing"),
    ("Upper extremity SSEP", "neurodiagnostic_test", "diagnostic_testing"),
    ("EMG/NCV of both arms", "electrodiagnostic_study", "diagnostic_testing"),
    ("Functional capacity evaluation", "functional_capacity_evaluation", "diagnostic_testing"),
    ("Pre-operative CBC and BMP", "laboratory_test", "diagnostic_testing"),
    ("Pre-operative PT/PTT", "laboratory_test", "diagnostic_testing"),
    ("Pre-operative EKG", "electrocardiogram", "diagnostic_testing"),
    ("Acute inpatient rehabilitation, one week", "inpatient_rehabilitation", "inpatient_care"),
    ("Partial hospitalization program, 10 days", "partial_hospitalization", "inpatient_care"),
    ("Two day inpatient stay", "inpatient_stay", "inpatient_care"),
    ("L4-5 transforaminal lumbar interbody fusion", "spinal_fusion", "surgery"),
    ("C5-6 ACDF", "spinal_fusion", "surgery"),
    ("L5-S1 microdiscectomy", "lumbar_surgery", "surgery"),
    ("Right knee arthroscopy with partial medial meniscectomy", "arthroscopy", "surgery"),
    ("Left shoulder subacromial decompression", "arthroscopy", "surgery"),
    ("Right total knee arthroplasty", "arthroplasty", "surgery"),
    ("Left open carpal tunnel release", "carpal_tunnel_release", "surgery"),
    ("Right middle finger trigger finger release", "hand_surgery", "surgery"),
    ("ORIF of the right ankle", "fracture_surgery", "surgery"),
    ("Assistant surgeon", "surgical_assistant", "procedure_support"),
    ("Neurosurgeon evaluation for the neck", "consultation", "evaluation_management"),
    ("Orthopedic surgery consultation", "consultation", "evaluation_management"),
    ("Spine surgery evaluation", "consultation", "evaluation_management"),
    ("Preoperative medical clearance", "preoperative_clearance", "evaluation_management"),
    ("Initial exam", "office_visit", "evaluation_management"),
    ("Viagra 100mg #10", "erectile_dysfunction_drug", "pharmaceutical"),
    ("Sildenafil 20mg", "erectile_dysfunction_drug", "pharmaceutical"),
    ("Diazepam 10mg #30", "benzodiazepine", "pharmaceutical"),
    ("Klonopin 0.5mg", "benzodiazepine", "pharmaceutical"),
    ("Paxil 20mg #30", "antidepressant", "pharmaceutical"),
    ("Keppra 500mg", "anticonvulsant", "pharmaceutical"),
    ("Zofran 4mg #10", "antiemetic", "pharmaceutical"),
    ("Famotidine 20mg #60", "h2_blocker", "pharmaceutical"),
    ("Dicopanol 5mg/ml suspension", "sleep_aid", "pharmaceutical"),
    ("Naproxen 10%/Lidocaine 5% 120 grams", "topical_analgesic", "pharmaceutical"),
    ("Naproxen 550mg #60", "nsaid", "pharmaceutical"),
    ("Work hardening program, 10 visits", "work_conditioning", "program"),
    ("Chronic pain management program, 20 days", "functional_restoration_program", "program"),
    ("Electrical stimulation times 6", "passive_modality", "rehabilitation"),
    ("Mechanical traction, 6 sessions", "passive_modality", "rehabilitation"),
    ("ESWT for plantar fasciitis", "shockwave_therapy", "rehabilitation"),
    ("Chiro with modalities, 6 visits", "chiropractic", "rehabilitation"),
    # Guidance names the way a procedure is done, not what is requested.
    ("Ultrasound guided right shoulder cortisone injection", "joint_injection", "injection"),
    ("Ultrasound of the right shoulder", "diagnostic_ultrasound", "diagnostic_imaging"),
    # "RFA" as the request for authorization form is no radiofrequency ablation.
    ("Lumbar MRI per RFA dated 11/30/2016", "mri", "diagnostic_imaging"),
    ("Physical therapy 6 visits (RFA form of 10/2/16)", "physical_therapy", "rehabilitation"),
    ("Bilateral L4-5 RFA", "radiofrequency_ablation", "injection"),
    ("Chest x-ray, PA and lateral", "xray", "diagnostic_imaging"),
]


@pytest.mark.parametrize(("title", "treatment", "category"), TITLES, ids=[title for title, _, _ in TITLES])
def test_title_maps_to_treatment_and_category(catalog: TreatmentCatalog, title: str, treatment: str, category: str) -> None:
    found = catalog.match_title(title)
    assert found is not None
    assert (found.treatment_id, found.category) == (treatment, category)


@pytest.mark.parametrize("text", ["Request for authorization dated 11/30/2016", "an RFA form", "per the RFA"])
def test_request_for_authorization_names_no_treatment(catalog: TreatmentCatalog, text: str) -> None:
    assert catalog.match_title(text) is None


def test_every_category_has_a_treatment(catalog: TreatmentCatalog) -> None:
    assert {t.category for t in catalog.treatments.values()} == set(catalog.categories)


def test_not_names_blank_only_their_own_words() -> None:
    small = parse_catalog(
        "categories: {injection: Injections}\nnot_names: [RFA form]\n"
        "treatments: [{id: radiofrequency_ablation, name: radiofrequency ablation, category: injection, synonyms: [RFA]}]",
        source="catalog.yaml",
    )
    assert small.match_title("RFA form received") is None
    found = small.match_title("RFA form received; RFA at L4-5")
    assert found is not None and found.treatment_id == "radiofrequency_ablation"
