"""The newsroom's roles: their group names and who may do what (README, "Using it").

The groups and their permissions are created by migration 0002_roles (which keeps its own
frozen copy of the names, as migrations must). Who can be assigned or escalated to is
asked of the permission, not of a group's name, so a user given the permission directly
counts too.
"""

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import User

READERS = "Readers"
REVIEWERS = "Reviewers"
EDITORS = "Editors"

# What marks a reviewer (resolving claims) and an editor (assigning them).
REVIEW_PERMISSION = "claims.resolve_claim"
EDIT_PERMISSION = "claims.assign_claim"

# The backend that holds group and user permissions; axes' backend holds none.
_PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _active_with(permission: str) -> QuerySet["User"]:
    # Superusers are left out: the admin account administers, it does not review.
    users = get_user_model().objects.with_perm(
        permission, is_active=True, include_superusers=False, backend=_PERMISSION_BACKEND
    )
    return users.distinct()


def assignable_users() -> QuerySet["User"]:
    """People a claim can be assigned to: the active users who may resolve claims."""
    return _active_with(REVIEW_PERMISSION).order_by("username")


def active_editors() -> QuerySet["User"]:
    """The editors, who get the reminders of unassigned claims and the escalations."""
    return _active_with(EDIT_PERMISSION).order_by("pk")
