"""Frozen attrs models of every InstaView wire object."""

from .jobs import (
    Education,
    Experience,
    Job,
    JobFromUrl,
    JobLocation,
    JobStatus,
    LanguageRequirement,
    Salary,
    WorkMode,
)

__all__ = [
    "Education",
    "Experience",
    "Job",
    "JobFromUrl",
    "JobLocation",
    "JobStatus",
    "LanguageRequirement",
    "Salary",
    "WorkMode",
]
