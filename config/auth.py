from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required as django_permission_required
from django.http import HttpRequest


def role_required(*perms: str) -> Callable:
    """Anonymous users go to the login page; a logged-in user without `perms` gets 403."""

    def decorator(view: Callable) -> Callable:
        return login_required(django_permission_required(perms, raise_exception=True)(view))

    return decorator


# django-axes stores the username of a failed login in a 255-character column; PostgreSQL
# refused a longer one, and the login page answered 500.
AXES_USERNAME_MAX = 255


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username django-axes records and locks out (AXES_USERNAME_CALLABLE): what
    was typed, cut to the column's length, as Django's own users cannot be longer."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:AXES_USERNAME_MAX] if isinstance(username, str) else username
