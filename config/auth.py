from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.contrib.auth.decorators import permission_required as django_permission_required


def role_required(*perms: str) -> Callable:
    """Anonymous users go to the login page; a logged-in user without `perms` gets 403."""

    def decorator(view: Callable) -> Callable:
        return login_required(django_permission_required(perms, raise_exception=True)(view))

    return decorator
