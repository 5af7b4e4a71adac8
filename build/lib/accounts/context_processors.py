"""Template context for the base layout: which navigation entries the viewer gets."""

from exchanges.enums import Role


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    return {
        "nav_role": role,
        "nav_is_staff_area": role in {Role.SECRETARIAT, Role.PARTNER_STAFF},
        "nav_is_reviewer": role == Role.REVIEWER,
        "nav_is_secretariat": role == Role.SECRETARIAT,
    }
