"""Public pages (settings.PUBLIC_PAGES), under /public/: claims.public."""

from django.urls import path

from . import public

app_name = "public"

urlpatterns = [
    path("claims/", public.claim_list, name="claims"),
    path("claims/<int:pk>/", public.claim_page, name="claim"),
    path("articles/<int:pk>/", public.article_page, name="article"),
]
