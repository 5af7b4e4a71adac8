"""Exchanges models, one module per concern, re-exported here for Django and callers."""

from exchanges.models.activity import ActivityLog
from exchanges.models.mail import Campaign, MailOptOut, MailTemplate, OutgoingMail
from exchanges.models.programs import Cohort, CohortQuota, Program

__all__ = [
    "ActivityLog", "Campaign", "Cohort", "CohortQuota", "MailOptOut", "MailTemplate",
    "OutgoingMail", "Program",
]
