"""The names clinics and letters use for the non-pharmaceutical procedures resolve to the right treatment."""

from __future__ import annotations

import pytest

from engine.catalog import load_catalog

NAMES = [
    # electrodiagnostic studies
    ("EMG", "electrodiagnostic_study"),
    ("NCV", "electrodiagnostic_study"),
    ("NCS", "electrodiagnostic_study"),
    ("EMG/NCS of the bilateral lower extremities", "electrodiagnostic_study"),
    ("NCV/EMG of the upper extremities", "electrodiagnostic_study"),
    ("nerve conduction velocity studies", "electrodiagnostic_study"),
    # imaging
    ("MRI of the cervical spine", "mri"),
    ("shoulder MRI", "mri"),
    ("knee MRI", "mri"),
    ("MR arthrogram", "mr_arthrogram"),
    ("MR arthrogram of the right shoulder", "mr_arthrogram"),
    ("MRI arthrogram", "mr_arthrogram"),
    ("x-rays of the left knee", "xray"),
    # facet procedures
    ("facet injection", "facet_injection"),
    ("bilateral L4-5 facet joint injections", "facet_injection"),
    ("medial branch block", "medial_branch_block"),
    ("diagnostic medial branch block", "medial_branch_block"),
    ("RFA", "radiofrequency_ablation"),
    ("radiofrequency rhizotomy L3-L5", "radiofrequency_ablation"),
    # programs and behavioural health
    ("FRP", "functional_restoration_program"),
    ("HELP program", "functional_restoration_program"),
    ("chronic pain program", "functional_restoration_program"),
    ("interdisciplinary pain program", "functional_restoration_program"),
    ("functional restoration program x 10 days", "functional_restoration_program"),
    ("psych evaluation", "psychological_evaluation"),
    ("psychological evaluation and testing", "psychological_evaluation"),
    ("CBT", "psychotherapy"),
    ("cognitive behavioural therapy x 4", "psychotherapy"),
    ("biofeedback", "psychotherapy"),
    # home health, visits, consultations
    ("home health aide", "home_health_care"),
    ("home nursing", "home_health_care"),
    ("follow-up visit", "office_visit"),
    ("office visit", "office_visit"),
    ("follow-up office visit with the treating physician", "office_visit"),
    ("consultation with a pain management specialist", "consultation"),
    ("pain management consultation", "consultation"),
    # devices
    ("IF unit", "interferential_stimulator"),
    ("interferential unit", "interferential_stimulator"),
    ("TENS unit rental", "tens_unit"),
    # physical medicine
    ("post-op physical therapy", "physical_therapy"),
    ("postoperative physical therapy 12 visits", "physical_therapy"),
    ("post-op PT", "physical_therapy"),
    ("chiropractic manipulation", "chiropractic"),
    ("acupuncture 2x3", "acupuncture"),
    ("occupational therapy", "occupational_therapy"),
]


@pytest.mark.parametrize(("name", "treatment_id"), NAMES, ids=[n for n, _ in NAMES])
def test_procedure_name_resolves(name: str, treatment_id: str) -> None:
    assert load_catalog().resolve(name).id == treatment_id
