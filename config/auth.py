import ipaddress
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import permission_required as django_permission_required
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# When the session last saw its person do something (config.middleware: idle timeout).
LAST_ACTIVITY_KEY = "claimtrack_last_activity"


def role_required(*perms: str) -> Callable:
    """A logged-in user without `perms` gets 403. (Anonymous users never get this far:
    LoginRequiredMiddleware sends them to the login page first; see config.middleware.)"""

    def decorator(view: Callable) -> Callable:
        return django_permission_required(perms, raise_exception=True)(view)

    return decorator


def _address(value: str) -> IPAddress | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.5:443
        value = value.split(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # A server listening on IPv6 sees IPv4 clients as ::ffff:a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress | None) -> bool:
    return address is not None and any(address in net for net in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person making the request (login lockouts key on it).

    X-Forwarded-For is believed only as far as TRUSTED_PROXIES wrote it: each trusted proxy
    appends the address it was connected from, so the client is the right-most entry that
    is not a trusted proxy. Anything left of it was written by the client and could be
    anything; a request that did not come through a trusted proxy is its REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    nearest = _address(remote)
    if not _trusted(nearest):
        # Not an IP address (a Unix socket's peer): as the server gave it.
        return str(nearest) if nearest else (remote or None)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([entry for entry in forwarded.split(",") if entry.strip()]):
        address = _address(hop)
        if address is None:
            # No proxy writes that: keep the last address a trusted proxy vouched for.
            break
        nearest = address
        if not _trusted(address):
            break
    return str(nearest)


def start_activity_clock(sender: type, request: HttpRequest, **kwargs: Any) -> None:
    """Logging in is activity. Stamped here, in the session write the login makes anyway,
    the first page after it has nothing to write."""
    request.session[LAST_ACTIVITY_KEY] = int(time.time())


# Connected on import: claims' AppConfig.ready() imports the views, which import this module,
# so every process has it before the first request.
user_logged_in.connect(start_activity_clock, dispatch_uid="claimtrack-activity-clock")


# django-axes stores the username of a failed login in a 255-character column; PostgreSQL
# refused a longer one, and the login page answered 500.
AXES_USERNAME_MAX = 255


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username django-axes records and locks out (AXES_USERNAME_CALLABLE): what
    was typed, cut to the column's length, as Django's own users cannot be longer."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    # Set by axes.conf when django-axes loads, so not in config/settings.py.
    username = source.get(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))
    return username[:AXES_USERNAME_MAX] if isinstance(username, str) else username
