"""Exchanges models, one module per concern, re-exported here for Django and callers."""

from exchanges.models.activity import ActivityLog
from exchanges.models.programs import Cohort, CohortQuota, Program

__all__ = ["ActivityLog", "Cohort", "CohortQuota", "Program"]
