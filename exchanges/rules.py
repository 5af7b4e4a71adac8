"""Object permissions as django-rules predicates: the one place that says who may do what.

Views declare ``permission_required`` with these names; querysets are additionally scoped by
the selectors, so a list never shows what a detail page would refuse.
"""

import rules

from exchanges.enums import Role


@rules.predicate
def is_secretariat(user) -> bool:
    return bool(user.is_authenticated and (user.role == Role.SECRETARIAT or user.is_superuser))


@rules.predicate
def is_partner_staff(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.PARTNER_STAFF)


@rules.predicate
def is_reviewer(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.REVIEWER)


@rules.predicate
def is_applicant(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.APPLICANT)


is_staff_member = is_secretariat | is_partner_staff

rules.add_perm("exchanges.access_staff_area", is_staff_member)
rules.add_perm("exchanges.access_review_area", is_reviewer | is_secretariat)
rules.add_perm("exchanges.manage_programs", is_secretariat)
# The outbox holds every recipient's messages: only the secretariat reads it and sends campaigns.
rules.add_perm("exchanges.manage_mail", is_secretariat)
