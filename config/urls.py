from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from api.api import api
from config import views

# Log in, log out and change one's own password. No public password reset: accounts are
# made by an administrator, who also sets a new password for someone who forgot theirs
# (README, "Accounts"); a public reset form mailed anyone's inbox on request.
account_urls = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    # Public, as before LoginRequiredMiddleware: logging out twice (two tabs) just logs out.
    path("logout/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("admin/", admin.site.urls),
    path("accounts/", include(account_urls)),
    path("articles/", include("articles.urls")),
    path("notifications/", include("claims.notification_urls")),
    path("public/", include("claims.public_urls")),
    path("api/v1/", api.urls),
    # The settings page's API tokens: the api app's own pages (a plain namespace,
    # "api_tokens"), so claims, which owns /settings/, never imports api.
    path("settings/api-tokens/", include("api.urls")),
    path("", include("claims.urls")),
]
