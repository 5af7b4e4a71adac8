"""Object permissions as django-rules predicates: the one place that says who may do what.

Views declare ``permission_required`` with these names; querysets are additionally scoped by
the selectors, so a list never shows what a detail page would refuse.
"""

import rules

from exchanges.enums import (
    APPLICATION_ITINERARY,
    APPLICATION_PREDEPARTURE,
    ApplicationStatus,
    Role,
)
from exchanges.models import Application


@rules.predicate
def is_secretariat(user) -> bool:
    return bool(user.is_authenticated and (user.role == Role.SECRETARIAT or user.is_superuser))


@rules.predicate
def is_partner_staff(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.PARTNER_STAFF)


@rules.predicate
def is_reviewer(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.REVIEWER)


is_staff_member = is_secretariat | is_partner_staff

rules.add_perm("exchanges.access_staff_area", is_staff_member)
rules.add_perm("exchanges.access_review_area", is_reviewer | is_secretariat)
rules.add_perm("exchanges.manage_programs", is_secretariat)


@rules.predicate
def is_application_owner(user, application) -> bool:
    return bool(
        application is not None and user.is_authenticated and application.applicant_id == user.pk
    )


@rules.predicate
def is_partner_for_application(user, application) -> bool:
    """Partner staff: applications of their country in programs their organisation partners,
    whose applicants consented to sharing with partners."""
    if application is None or not is_partner_staff(user):
        return False
    return bool(
        user.partner_country
        and application.country == user.partner_country
        and application.shares_with_partners
        and application.cohort.program.partners.filter(pk=user.organisation_id).exists()
    )


can_manage_application = is_secretariat | is_partner_for_application

rules.add_perm("exchanges.view_application", is_application_owner | can_manage_application)
rules.add_perm("exchanges.manage_application", can_manage_application)
rules.add_perm("exchanges.edit_application", is_application_owner)


@rules.predicate
def is_partner_for_cohort(user, cohort) -> bool:
    """Partner staff of an organisation that partners on the cohort's program."""
    if cohort is None or not is_partner_staff(user) or not user.organisation_id:
        return False
    return cohort.program.partners.filter(pk=user.organisation_id).exists()


# Matching: partner staff may look at their cohorts' runs; only the secretariat changes them.
rules.add_perm("exchanges.view_matching", is_secretariat | is_partner_for_cohort)
rules.add_perm("exchanges.manage_matching", is_secretariat)


# The outbox holds every recipient's messages: only the secretariat reads it and sends campaigns.
rules.add_perm("exchanges.manage_mail", is_secretariat)

# The audit trail names every actor and object: the secretariat alone searches it.
rules.add_perm("exchanges.view_audit_log", is_secretariat)

# Erasure requests, retention and privacy notices: the secretariat (the data controller).
rules.add_perm("exchanges.manage_privacy", is_secretariat)


# Surveys: the secretariat runs them; partner staff of the program see their country's
# response rate (answers and per-question figures wait for the fewer-than-five rule).
rules.add_perm("exchanges.view_surveys", is_secretariat | is_partner_for_cohort)
rules.add_perm("exchanges.manage_surveys", is_secretariat)


@rules.predicate
def is_partner_for_program(user, program) -> bool:
    if program is None or not is_partner_staff(user) or not user.organisation_id:
        return False
    return program.partners.filter(pk=user.organisation_id).exists()


# Outcome analytics: partner staff of the program see aggregates with every cell about fewer
# than five people hidden; raw answers, open text and imports are the secretariat's.
rules.add_perm("exchanges.view_outcomes", is_secretariat | is_partner_for_cohort)
rules.add_perm("exchanges.view_program_outcomes", is_secretariat | is_partner_for_program)
rules.add_perm("exchanges.manage_outcomes", is_secretariat)


@rules.predicate
def is_assigned_reviewer(user, assignment) -> bool:
    return bool(
        assignment is not None and user.is_authenticated and assignment.reviewer_id == user.pk
    )


# Review: reviewers open only their own assignments; the secretariat runs assignment and the
# rubric; partner staff may look at the progress of cohorts they partner on.
rules.add_perm("exchanges.review_assignment", is_assigned_reviewer)
rules.add_perm("exchanges.view_reviews", is_secretariat | is_partner_for_cohort)
rules.add_perm("exchanges.manage_reviews", is_secretariat)
# Selection: partner staff see their country's rankings, proposal and exports.
rules.add_perm("exchanges.view_selection", is_secretariat | is_partner_for_cohort)
rules.add_perm("exchanges.manage_selection", is_secretariat)
# Partner API keys: the secretariat issues keys for any organisation, partner staff manage
# their own organisation's (the selector scopes which keys and organisations).
rules.add_perm("exchanges.manage_api_keys", is_secretariat | is_partner_staff)


# Pre-departure. The checklist's details are for the participant and the secretariat; its
# health details (dietary and medical needs) only for the participant and for staff holding
# the ``view_dietary_list`` permission (granted per person, never by role), within their
# scope; partner staff of the participant's country see which sections are complete;
# reviewers see nothing. The object is the application.
@rules.predicate
def is_predeparture_participant(user, application) -> bool:
    return bool(application is not None and application.status in APPLICATION_PREDEPARTURE)


@rules.predicate
def holds_dietary_list_permission(user) -> bool:
    return user.has_perm("exchanges.view_dietary_list")


rules.add_perm("exchanges.view_predeparture", is_secretariat | is_partner_for_cohort)
rules.add_perm("exchanges.manage_itinerary", is_secretariat)
rules.add_perm(
    "exchanges.view_checklist",
    is_predeparture_participant
    & (is_application_owner | is_secretariat | is_partner_for_application),
)
rules.add_perm(
    "exchanges.view_checklist_details",
    is_predeparture_participant & (is_application_owner | is_secretariat),
)
rules.add_perm(
    "exchanges.view_checklist_health",
    is_predeparture_participant
    & (
        is_application_owner
        | ((is_secretariat | is_partner_for_application) & holds_dietary_list_permission)
    ),
)
rules.add_perm("exchanges.edit_checklist", is_predeparture_participant & is_application_owner)


# Itinerary: the participant's own page and calendar link (alumni keep them); the cohort's
# calendar link and the printable itinerary for staff who see the cohort's pre-departure.
@rules.predicate
def is_itinerary_participant(user, application) -> bool:
    return bool(application is not None and application.status in APPLICATION_ITINERARY)


rules.add_perm("exchanges.view_itinerary", is_itinerary_participant & is_application_owner)


# Attendance: the secretariat and partner staff of the program take the roll (partner staff
# for their country: the roll is scoped by the selectors); the secretariat decides completion.
rules.add_perm("exchanges.record_attendance", is_secretariat | is_partner_for_cohort)
rules.add_perm("exchanges.manage_completion", is_secretariat)


# Alumni network. Alumni (a person with an application in status alumnus) join the directory
# and message each other; staff search it (partner staff: their country, scoped in the
# selector); the secretariat reviews reports and suspends messaging.
@rules.predicate
def is_alumnus(user) -> bool:
    if not user.is_authenticated:
        return False
    return Application.objects.filter(applicant=user, status=ApplicationStatus.ALUMNUS).exists()


rules.add_perm("exchanges.view_alumni_directory", is_alumnus | is_staff_member)
rules.add_perm("exchanges.join_alumni_directory", is_alumnus)
rules.add_perm("exchanges.manage_alumni", is_secretariat)


# Webhooks: partner staff see and redeliver their own organisation's subscriptions (the
# selectors scope them); the secretariat sees every organisation's.
rules.add_perm("exchanges.view_webhooks", is_secretariat | is_partner_staff)
