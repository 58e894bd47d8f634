"""The experts app's models: the board (topics, profiles, counselling of funded
projects) and its clinical network (clinics, populations, contacts,
introductions and the investigations they lead to)."""

from experts.models.board import (
    CounsellingCase,
    CounsellingMeeting,
    ExpertProfile,
    FundedProject,
    Sector,
    Topic,
)
from experts.models.introductions import (
    FacilitatedInvestigation,
    FeasibilityRequest,
    Introduction,
    InvestigationStage,
    StageChange,
)
from experts.models.network import (
    AgeGroup,
    CareSetting,
    Clinic,
    ClinicalPopulation,
    ClinicContact,
    ClinicType,
    Department,
    DirectoryChange,
    Province,
)

__all__ = [
    "AgeGroup",
    "CareSetting",
    "Clinic",
    "ClinicContact",
    "ClinicType",
    "ClinicalPopulation",
    "CounsellingCase",
    "CounsellingMeeting",
    "Department",
    "DirectoryChange",
    "ExpertProfile",
    "FacilitatedInvestigation",
    "FeasibilityRequest",
    "FundedProject",
    "Introduction",
    "InvestigationStage",
    "Province",
    "Sector",
    "StageChange",
    "Topic",
]
