from typing import Any

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from api.forms import ApiTokenForm
from api.models import ApiToken

register = template.Library()


@register.inclusion_tag("api/token_section.html", takes_context=True)
def api_tokens(context: template.Context, user: AbstractBaseUser | AnonymousUser) -> dict[str, Any]:
    """The settings page's API tokens section for `user`: their tokens, revoked ones too,
    and the form for a new one, bound with its errors after an invalid POST (api.views puts
    it in the page's context as `api_token_form`). Django passes the CSRF token on."""
    return {
        "api_tokens": ApiToken.objects.filter(user_id=user.pk) if user.pk else [],
        "token_form": context.get("api_token_form") or ApiTokenForm(),
    }
