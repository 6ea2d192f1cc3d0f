"""The request type every view takes: an HttpRequest that django-htmx's middleware has
given its `htmx` details (config.settings.MIDDLEWARE), so `request.htmx` type-checks."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
    # LoginRequiredMiddleware lets only logged-in users reach a view (config.middleware);
    # the few marked @login_not_required check `is_authenticated` before using the user.
    # (django-stubs types it User | AnonymousUser.)
    user: User
