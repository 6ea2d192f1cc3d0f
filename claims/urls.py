from django.urls import path

from . import export_views, intake_views, scorecard_views, views, webhook_views

app_name = "claims"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("articles/<int:article_pk>/claims/new/", views.claim_create, name="create"),
    path("claims/window/", views.time_phrase_window, name="window"),
    path("claims/<int:pk>/", views.claim_detail, name="detail"),
    path("claims/<int:pk>/edit/", views.claim_edit, name="edit"),
    path("claims/<int:pk>/resolve/", views.claim_action, {"action": "resolve"}, name="resolve"),
    path("claims/<int:pk>/reopen/", views.claim_action, {"action": "reopen"}, name="reopen"),
    path("claims/<int:pk>/evidence/", views.claim_action, {"action": "evidence"}, name="evidence"),
    path("claims/<int:pk>/deadline/", views.claim_action, {"action": "deadline"}, name="deadline"),
    path("claims/<int:pk>/snooze/", views.claim_action, {"action": "snooze"}, name="snooze"),
    path("claims/<int:pk>/take/", views.claim_action, {"action": "take"}, name="take"),
    path("claims/<int:pk>/row-form/", views.row_form, name="row_form"),
    path("claims/<int:pk>/assign/", views.claim_action, {"action": "assign"}, name="assign"),
    path("claims/<int:pk>/publish/", views.claim_action, {"action": "publish"}, name="publish"),
    path(
        "claims/<int:pk>/unpublish/", views.claim_action, {"action": "unpublish"}, name="unpublish"
    ),
]

# Claim intake (issue 11): suggestions on the article page, articles to review.
urlpatterns += [
    path("articles/<int:article_pk>/suggest/", intake_views.suggest_again, name="suggest"),
    path("suggestions/<int:pk>/log/", intake_views.log_suggestion, name="suggestion_log"),
    path("suggestions/<int:pk>/edit/", intake_views.edit_and_log, name="suggestion_edit"),
    path(
        "suggestions/<int:pk>/dismiss/", intake_views.dismiss_suggestion, name="suggestion_dismiss"
    ),
    path(
        "suggestions/<int:pk>/source/<int:claim_pk>/",
        intake_views.add_as_source,
        name="suggestion_source",
    ),
    path("suggestions/articles/", intake_views.articles_to_review, name="review_articles"),
]

# Scorecards (issue 12): per claimant and per outlet, and the claims behind each count.
urlpatterns += [
    path("scorecards/", scorecard_views.claimant_index, name="scorecards"),
    path("scorecards/outlets/", scorecard_views.outlet_index, name="outlet_scorecards"),
    path("scorecards/people/<int:pk>/", scorecard_views.claimant_card, name="claimant_card"),
    path("scorecards/outlets/<int:pk>/", scorecard_views.outlet_card, name="outlet_card"),
    path("scorecards/claims/", scorecard_views.scorecard_claims, name="scorecard_claims"),
    path(
        "scorecards/claims.csv", scorecard_views.scorecard_claims_csv, name="scorecard_claims_csv"
    ),
]

# Exports and feeds (issue 12): the feeds open by their secret alone (login_not_required).
urlpatterns += [
    path("claims/export.csv", export_views.claims_csv, name="export_csv"),
    path("settings/", export_views.user_settings, name="settings"),
    path("settings/feeds/<str:kind>/", export_views.feed_token, name="feed_token"),
    path("feeds/<str:token>/due.ics", export_views.feed_ical, name="feed_ical"),
    path("feeds/<str:token>/resolutions.atom", export_views.feed_atom, name="feed_atom"),
]

# Outgoing webhooks (issue 13): editors only.
urlpatterns += [
    path("settings/webhooks/", webhook_views.webhook_list, name="webhooks"),
    path("settings/webhooks/new/", webhook_views.webhook_create, name="webhook_create"),
    path(
        "settings/webhooks/<int:endpoint_pk>/",
        webhook_views.webhook_detail,
        name="webhook_detail",
    ),
    path(
        "settings/webhooks/<int:endpoint_pk>/edit/", webhook_views.webhook_edit, name="webhook_edit"
    ),
    path(
        "settings/webhooks/<int:endpoint_pk>/rotate/",
        webhook_views.webhook_rotate,
        name="webhook_rotate",
    ),
    path(
        "settings/webhooks/<int:endpoint_pk>/pause/",
        webhook_views.webhook_pause,
        name="webhook_pause",
    ),
    path(
        "settings/webhooks/<int:endpoint_pk>/resume/",
        webhook_views.webhook_resume,
        name="webhook_resume",
    ),
    path(
        "settings/webhooks/<int:endpoint_pk>/test/", webhook_views.webhook_test, name="webhook_test"
    ),
    path(
        "settings/webhooks/<int:endpoint_pk>/delete/",
        webhook_views.webhook_delete,
        name="webhook_delete",
    ),
]
