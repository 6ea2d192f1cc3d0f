"""The settings page's API tokens (api.tokens): made and revoked here, listed on the page
by the api_tokens template tag. api depends on claims, never the reverse, so these views
render the settings page through claims' settings_page."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from api import tokens
from api.forms import ApiTokenForm
from claims.export_views import settings_page
from config.http import HtmxHttpRequest


@require_POST
def api_token_create(request: HtmxHttpRequest) -> HttpResponse:
    """A new API token. Its secret is shown on this response's page only: only its hash is
    kept. An invalid form returns to the settings page, the errors by their fields."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return settings_page(request, extra={"api_token_form": form}, status=422)
    token, secret = tokens.create_api_token(
        user=request.user,
        name=form.cleaned_data["name"].strip(),
        read_write=form.cleaned_data["access"] == "write",
    )
    response = render(request, "api/token_created.html", {"token": token, "secret": secret})
    # The secret must not stay in a cache, nor come back from the browser's history.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def api_token_revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Stop one of one's own API tokens; it stays listed as revoked."""
    if tokens.revoke_api_token(user=request.user, token_id=pk):
        messages.success(request, "Token revoked: it no longer works.")
    return redirect(reverse("claims:settings") + "#api-tokens")
