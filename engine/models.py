"""The case model: what the records document about an injured worker and what is requested.

Every fact is optional. `None` means the records do not document it, which is not the same as
documented negative (`False`, `0`, an empty list). Criteria turn `None` into the finding
`missing`; only a documented value can be `met` or `unmet`.
"""

# No `from __future__ import annotations` in the modules of pydantic models: with it pydantic reads
# every field's annotation back from a string at each start, a sixth of building the case model.

import datetime as dt
import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

# Limits that keep the work for one case bounded (docs/architecture.md, "Limits"). An IMR dispute
# has a handful of items, rarely twenty (500 are judged in about a second); a text field is a
# diagnosis, a reason or a finding. The server checks the same cap before validating a body.
MAX_REQUESTS = 500
MAX_TEXT_CHARS = 10_000
MAX_CASE_ID_CHARS = 200
# Any other list (diagnoses, injections, medications, levels...): far beyond a real file, small enough
# that every request reading every record stays quick.
MAX_LIST_ITEMS = 1_000

Region = Literal[
    "lumbar", "cervical", "thoracic", "sacroiliac", "shoulder", "elbow", "wrist_hand", "hip", "knee",
    "ankle_foot", "head", "multiple", "other",
]
Side = Literal["left", "right", "bilateral"]
PosNeg = Literal["positive", "negative"]
Sex = Literal["female", "male", "other"]
WorkStatus = Literal["full_duty", "modified_duty", "off_work", "not_working_other", "retired"]
RiskLevel = Literal["low", "moderate", "high"]
Modality = Literal["mri", "ct", "xray", "emg_ncs", "bone_scan", "ultrasound", "myelogram", "discogram"]
DiagnosisGroup = Literal[
    "myalgia_myositis", "neuralgia_neuritis_radiculitis", "radiculopathy", "crps", "sprain_strain",
    "disc_disorder", "spondylosis", "facet_arthropathy", "spinal_stenosis", "fibromyalgia",
    "carpal_tunnel", "osteoarthritis", "tendinopathy", "post_surgical", "neuropathic_pain",
    "depression_anxiety", "fracture_dislocation", "complete_tear", "spondylolisthesis", "other",
]
RedFlag = Literal[
    "fracture_suspected", "major_trauma", "minor_trauma_older_patient", "cancer_history", "tumor_suspected",
    "infection_suspected", "constitutional_symptoms", "iv_drug_use", "immunosuppression",
    "prolonged_steroid_use", "osteoporosis", "cauda_equina", "saddle_anesthesia", "bladder_dysfunction",
    "progressive_neurologic_deficit", "severe_night_pain", "referred_visceral_pain", "vascular_compromise",
    "other",
]
Approach = Literal["transforaminal", "interlaminar", "caudal"]
# The surgeries the MTUS postsurgical treatment guidelines (8 CCR 9792.24.3) give a course for.
SurgeryKind = Literal[
    "lumbar_discectomy_laminectomy", "lumbar_fusion", "cervical_fusion", "rotator_cuff_arthroscopic", "rotator_cuff_open",
    "rotator_cuff_complete_rupture_repair", "knee_meniscectomy", "acl_repair", "total_knee_arthroplasty",
    "carpal_tunnel_release", "other",
]
HomeService = Literal["skilled_nursing", "therapy", "medical_treatment", "personal_care", "homemaker"]

Percent = Annotated[float, Field(ge=0, le=100)]
NonNegInt = Annotated[int, Field(ge=0)]
# Finite only: "inf weeks" of relief is a typing slip, not a fact.
NonNegFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
PainScore = Annotated[float, Field(ge=0, le=10)]


def _capped(cap: int, more: str = "") -> BeforeValidator:
    """A list's length checked before its items are validated, so an enormous list costs nothing."""

    def check(value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) > cap:
            raise ValueError(f"lists {len(value):,} items; at most {cap:,} are allowed{more}")
        return value

    return BeforeValidator(check)


T = TypeVar("T")
# Every list of a case. Only list fields carry the check: a validator on every field ("*") made each
# field's schema a function call, a third of building the case model at each start (issue 14).
Listed = Annotated[tuple[T, ...], _capped(MAX_LIST_ITEMS)]


_STRENGTH = re.compile(r"\s*\b\d+(\.\d+)?\s*(%|mg|mcg|g|ml)(?![a-z])", re.IGNORECASE)


def ingredient_name(text: str) -> str:
    """An ingredient as criteria name it: lower case, single-spaced, without its strength."""
    return " ".join(_STRENGTH.sub(" ", text).lower().split())


class Fact(BaseModel):
    """Base of every case part: closed (unknown keys are errors), immutable and bounded in size."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=MAX_TEXT_CHARS)


class Claimant(Fact):
    age: Annotated[int, Field(ge=14, le=110)] | None = None
    sex: Sex | None = None


class Injury(Fact):
    date: dt.date | None = None
    mechanism: str | None = None
    regions: Listed[Region] | None = None


class Diagnosis(Fact):
    text: str
    icd10: Annotated[str, Field(pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")] | None = None
    region: Region | None = None
    group: DiagnosisGroup | None = None


class Symptoms(Fact):
    pain_score: PainScore | None = None
    radiating: bool | None = None
    radiation_side: Side | None = None
    numbness: bool | None = None
    duration_months: NonNegFloat | None = None


class TriggerPoints(Fact):
    present: bool | None = None
    twitch_response: bool | None = None
    referred_pain: bool | None = None
    count: NonNegInt | None = None


class Exam(Fact):
    straight_leg_raise: PosNeg | None = None
    straight_leg_raise_side: Side | None = None
    dermatomal_sensory_loss: bool | None = None
    sensory_levels: Listed[str] | None = None
    reflex_change: bool | None = None
    motor_weakness: bool | None = None
    spurling: PosNeg | None = None
    new_neurologic_deficit: bool | None = None
    progressive_neurologic_deficit: bool | None = None
    trigger_points: TriggerPoints | None = None
    ottawa_knee_finding: bool | None = Field(
        default=None,
        description="After a blow or fall: effusion, fibular head or patellar tenderness, unable to bear weight "
        "for four steps, or unable to flex to 90 degrees",
    )
    meniscus_or_ligament_tear_suspected: bool | None = None
    structural_signs: bool | None = Field(
        default=None,
        description="A sign of a structural lesion: instability or apprehension, locking or giving way, a positive "
        "impingement, drop-arm, McMurray, Lachman, Phalen or Tinel sign",
    )


class Study(Fact):
    """An imaging or electrodiagnostic study already done."""

    modality: Modality
    region: Region | None = None
    date: dt.date | None = None
    findings: str | None = None
    nerve_root_compromise: bool | None = None
    official_report: bool | None = None
    surgical_lesion: bool | None = Field(
        default=None,
        description="The study shows a lesion that surgery repairs (a tendon, labral or meniscal tear, a fracture, "
        "nerve root compression, severe stenosis, an entrapment neuropathy on electrodiagnostic testing)",
    )
    early_repair_lesion: bool | None = Field(
        default=None,
        description="A lesion repaired without waiting for conservative care: a complete tendon tear or rupture, "
        "a fracture, a dislocation",
    )
    spinal_instability: bool | None = Field(
        default=None, description="Spondylolisthesis, spondylolysis or a pars defect, or segmental instability"
    )
    osteoarthritis: bool | None = Field(
        default=None, description="The study shows osteoarthritis or degenerative change of the joint"
    )


class PriorInjection(Fact):
    treatment: str = Field(description="Catalog id or any name the catalog knows, e.g. 'TFESI'")
    region: Region | None = None
    side: Side | None = None
    levels: Listed[str] | None = None
    date: dt.date | None = None
    relief_pct: Percent | None = None
    relief_weeks: NonNegFloat | None = None
    medication_reduction: bool | None = None
    functional_improvement: bool | None = None


class TherapyCourse(Fact):
    """A course of physical therapy, chiropractic, acupuncture or similar already given."""

    treatment: str
    region: Region | None = None
    visits: NonNegInt | None = None
    start_date: dt.date | None = None
    date: dt.date | None = Field(default=None, description="When the course ended (or was last documented)")
    functional_improvement: bool | None = None
    helped: bool | None = Field(
        default=None,
        description="The worker reported the course helped (less pain or better function); false when it gave "
        "little or no relief",
    )
    postsurgical: bool | None = None


class OpioidMonitoring(Fact):
    """The '4 A's' and related monitoring for ongoing opioid use, as documented. Urine drug screens are
    not here: they are one record each in `history.urine_drug_screens`, which every edition reads."""

    @model_validator(mode="before")
    @classmethod
    def _screens_live_in_history(cls, data: object) -> object:
        if isinstance(data, dict) and "urine_drug_screen_consistent" in data:
            raise ValueError("urine_drug_screen_consistent: record each urine drug screen under "
                             "history.urine_drug_screens (date, consistent) instead")
        return data

    analgesia_documented: bool | None = None
    activities_of_daily_living_documented: bool | None = None
    adverse_effects_documented: bool | None = None
    aberrant_behavior_assessed: bool | None = None
    aberrant_behavior_found: bool | None = None
    cures_checked: bool | None = Field(
        default=None, description="The state prescription monitoring database (CURES) was checked for other prescriptions"
    )
    pain_agreement: bool | None = None
    improved_function: bool | None = None
    improved_pain: bool | None = None
    returned_to_work: bool | None = None


class Medication(Fact):
    name: str
    treatment: str | None = Field(default=None, description="Catalog id; resolved from the name when absent")
    drug: str | None = None
    dose_mg: NonNegFloat | None = None
    doses_per_day: NonNegFloat | None = None
    dose_mcg_per_hour: NonNegFloat | None = Field(
        default=None, description="For a transdermal patch (fentanyl, buprenorphine): the delivery rate in micrograms per hour"
    )
    start_date: dt.date | None = None
    duration_weeks: NonNegFloat | None = None
    current: bool | None = None
    date: dt.date | None = Field(
        default=None, description="When the records last reported on this medication (lets criteria pick the latest)"
    )
    benefit_documented: bool | None = None
    side_effects: bool | None = None
    monitoring: OpioidMonitoring | None = None


class UrineDrugScreen(Fact):
    date: dt.date | None = None
    consistent: bool | None = Field(default=None, description="The result matched what is prescribed")


class Surgery(Fact):
    procedure: str
    kind: SurgeryKind | None = Field(
        default=None, description="Which of the postsurgical guidelines' surgeries this is ('other' if none)"
    )
    region: Region | None = None
    date: dt.date | None = None


class History(Fact):
    injections: Listed[PriorInjection] | None = None
    therapy_courses: Listed[TherapyCourse] | None = None
    home_exercise: bool | None = None
    medications: Listed[Medication] | None = None
    urine_drug_screens: Listed[UrineDrugScreen] | None = None
    opioid_misuse_risk: RiskLevel | None = Field(
        default=None,
        description="The assessed risk of opioid misuse (substance use history, psychological screening, a screening tool)",
    )
    surgeries: Listed[Surgery] | None = None
    conservative_care_failed: bool | None = None
    first_line_medication_tried: bool | None = None
    failed_to_progress_in_therapy: bool | None = None
    tens_trial_done: bool | None = None
    gi_risk_factors: bool | None = None
    medications_ineffective: bool | None = Field(
        default=None, description="Pain is not controlled because medications have lost their effect"
    )
    substance_abuse_history: bool | None = None
    pain_limits_therapy: bool | None = Field(
        default=None, description="Significant postoperative or acute pain limits exercise or physical therapy"
    )
    hospital_discharge_date: dt.date | None = Field(default=None, description="The latest discharge from hospital")
    procedural_anxiety: bool | None = Field(
        default=None,
        description="Anxiety about a procedure, or an inability to tolerate it awake, is documented (a reason for sedation)",
    )
    interferential_trial_benefit: bool | None = Field(
        default=None, description="A one-month interferential trial gave more function, less pain and less medication"
    )


class FunctionalStatus(Fact):
    adl_limitations: bool | None = None
    functional_goals: bool | None = None
    baseline_functional_testing: bool | None = None
    significant_loss_of_function: bool | None = None
    surgical_candidate: bool | None = None
    motivated_to_change: bool | None = None
    negative_predictors_addressed: bool | None = Field(
        default=None, description="Negative predictors of success (e.g. depression, disputes, long time off work) addressed"
    )
    psychosocial_factors: bool | None = None
    can_perform_self_care: bool | None = None
    homebound: bool | None = None
    can_use_private_or_public_transport: bool | None = None


class Request(Fact):
    """One requested item of the RFA: what the IMR reviewer decides on."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    treatment: Annotated[str, Field(min_length=1, description="Free text; resolved through the catalog")]
    region: Region | None = None
    side: Side | None = None
    levels: Listed[str] | None = None
    approach: Approach | None = None
    quantity: NonNegInt | None = None
    visits: NonNegInt | None = None
    weeks: NonNegFloat | None = None
    frequency_per_week: NonNegFloat | None = None
    repeat: bool | None = Field(
        default=None,
        description="A repeat of the same procedure; inferred when absent. A medication the history lists as "
        "current is a continuation whatever this says, unless new_start is true",
    )
    new_start: bool | None = Field(
        default=None,
        description="A medication started anew (judged as an initiation) although one of its family is in the history",
    )
    companion_of: str | None = Field(default=None, description="The id of the primary request this one serves")
    exceptional_factors: str | None = None
    reason: str | None = Field(default=None, description="The stated clinical reason for the request")
    ur_certified: str | None = Field(
        default=None, max_length=500,
        description="What utilization review certified of this request when it certified part of it (the "
        "request is the rest, still disputed), e.g. '6 of the 12 visits'",
    )
    planned_procedure: str | None = Field(
        default=None,
        description="The procedure a visit or consultation is requested for (a catalog name); "
        "the visit is then judged by that procedure's criteria",
    )
    clarifies_anatomy_before_procedure: bool | None = Field(
        default=None, description="Imaging ordered to clarify anatomy before an invasive procedure"
    )
    postsurgical: bool | None = None
    hours_per_week: NonNegFloat | None = None
    home_services: Listed[HomeService] | None = Field(
        default=None, description="The kinds of care a home health request asks for"
    )
    drug: str | None = None
    dose_mg: NonNegFloat | None = None
    doses_per_day: NonNegFloat | None = None
    dose_mcg_per_hour: NonNegFloat | None = Field(
        default=None, description="For a transdermal patch (fentanyl, buprenorphine): the delivery rate in micrograms per hour"
    )
    duration_weeks: NonNegFloat | None = None
    ingredients: Listed[str] | None = Field(
        default=None,
        description="The active ingredients of a compounded or topical product, as generic names; strengths are dropped "
                    "('Gabapentin 10%' is read as 'gabapentin')",
    )
    risks_discussed: bool | None = Field(
        default=None, description="The risks and expected benefit were discussed with the worker and documented"
    )

    @field_validator("ingredients")
    @classmethod
    def _generic_names(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        # Criteria name ingredients in lower case without strengths; records write "Gabapentin 10%".
        return None if value is None else tuple(ingredient_name(v) for v in value)


class Case(Fact):
    case_id: Annotated[str, Field(max_length=MAX_CASE_ID_CHARS)] | None = None
    request_date: dt.date | None = Field(default=None, description="Date of the request for authorization")
    claimant: Claimant | None = None
    injury: Injury | None = None
    diagnoses: Listed[Diagnosis] | None = None
    work_status: WorkStatus | None = None
    symptoms: Symptoms | None = None
    exam: Exam | None = None
    studies: Listed[Study] | None = None
    red_flags: Listed[RedFlag] | None = None
    history: History | None = None
    functional_status: FunctionalStatus | None = None
    requests: Annotated[tuple[Request, ...], Field(min_length=1, max_length=MAX_REQUESTS),
                        _capped(MAX_REQUESTS, " per case (split the requests over several cases)")]

    @model_validator(mode="after")
    def _request_ids_unique_and_companions_known(self) -> "Case":
        # Messages name the fields (requests[2].companion_of), never the ids themselves: they are what the
        # user typed (issue 17).
        first: dict[str, int] = {}
        for i, request in enumerate(self.requests):
            if request.id in first:
                raise ValueError(f"requests[{i}].id: repeats the id of requests[{first[request.id]}]; "
                                 "request ids must be unique")
            first[request.id] = i
        for i, request in enumerate(self.requests):
            if request.companion_of is None:
                continue
            if request.companion_of not in first:
                raise ValueError(f"requests[{i}].companion_of: names no request of this case "
                                 "(it takes the id of the primary request)")
            if request.companion_of == request.id:
                raise ValueError(f"requests[{i}].companion_of: a request cannot be its own companion")
        cycle = companion_cycle(self.requests)
        if cycle:
            items = ", ".join(f"requests[{i}]" for i in cycle)
            raise ValueError(f"requests[{cycle[0]}].companion_of: the companions form a cycle "
                             f"({items}); a chain of companions must end at a primary procedure")
        return self

    def request(self, request_id: str) -> Request:
        return next(r for r in self.requests if r.id == request_id)


def companion_cycle(requests: tuple[Request, ...]) -> list[int]:
    """The positions of the first cycle of `companion_of` links (each a request's primary), or [].

    Each request has at most one primary, so following links from every request once (marking what
    is finished) finds any cycle in time linear in the number of requests."""
    position = {r.id: i for i, r in enumerate(requests)}
    finished: set[int] = set()
    for start in range(len(requests)):
        path: list[int] = []
        on_path: set[int] = set()
        current: int | None = start
        while current is not None and current not in finished:
            if current in on_path:
                return path[path.index(current):]
            path.append(current)
            on_path.add(current)
            primary = requests[current].companion_of
            current = position.get(primary) if primary is not None else None
        finished.update(path)
    return []
