"""The settings page's API token pages (api.views), under /settings/api-tokens/: a plain
Django namespace, apart from the JSON API's ("api", api.api), which answers for itself
(config.middleware) where these pages need a login like any other."""

from django.urls import path

from api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.api_token_create, name="create"),
    path("<int:pk>/revoke/", views.api_token_revoke, name="revoke"),
]
