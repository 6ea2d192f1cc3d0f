"""The same role checks as the pages: a role is a Django group holding permissions
(claims/migrations/0002_roles.py); an endpoint asks for the permission, never a group's
name, as config.auth.role_required does for the views."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from claims.roles import EDIT_PERMISSION, REVIEW_PERMISSION

__all__ = ["EDIT_PERMISSION", "REVIEW_PERMISSION", "require"]


def require(request: HttpRequest, *perms: str) -> None:
    """403 (a problem, api.errors) unless the person asking holds every one of `perms`."""
    if not request.user.has_perms(perms):
        raise PermissionDenied("Your role does not allow this.")
