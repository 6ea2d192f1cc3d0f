"""Public pages (settings.PUBLIC_PAGES), under /public/: claims.public."""

from django.urls import path

from . import export_views, public, public_scorecards

app_name = "public"

urlpatterns = [
    path("claims/", public.claim_list, name="claims"),
    path("claims/<int:pk>/", public.claim_page, name="claim"),
    path("resolutions.atom", export_views.public_feed_atom, name="feed_atom"),
    path("articles/<int:pk>/", public.article_page, name="article"),
    path("scorecards/", public_scorecards.index, name="scorecards"),
    path("scorecards/outlets/", public_scorecards.outlet_index, name="outlet_scorecards"),
    path("scorecards/people/<int:pk>/", public_scorecards.claimant_card, name="claimant_card"),
    path("scorecards/outlets/<int:pk>/", public_scorecards.outlet_card, name="outlet_card"),
    path("scorecards/claims/", public_scorecards.scorecard_claims, name="scorecard_claims"),
]
