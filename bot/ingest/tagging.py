"""Tag text with the practice setting it is about: school, clinical, both or general."""

import re

from bot.models import Setting

_SCHOOL = re.compile(
    r"\b(schools?|school-based|students?|classrooms?|teachers?|ieps?|idea|districts?|"
    r"educational|education|academic|curriculum|paraprofessionals?|special education|"
    r"early intervention|k-12|high school)\b",
    re.IGNORECASE,
)
_CLINICAL = re.compile(
    r"\b(clinics?|clinical|hospitals?|patients?|healthcare|health care|medical|rehab|"
    r"rehabilitation|skilled nursing|snfs?|outpatient|inpatient|insurance|home health|acute|"
    r"geriatrics?|stroke|surgery|surgeries|injury)\b",
    re.IGNORECASE,
)


def setting_of(text: str) -> Setting:
    """Which setting a text speaks about, from the words it uses.

    Example: "Goals focus on recovery and medical function" -> "clinical"
    """
    school = len(_SCHOOL.findall(text))
    clinical = len(_CLINICAL.findall(text))
    if school and clinical:
        return "both"
    if school:
        return "school"
    if clinical:
        return "clinical"
    return "general"
