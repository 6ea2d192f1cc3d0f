"""URLs of in-app notifications (reminders), mounted at /notifications/."""

from django.urls import path

from . import notifications

app_name = "notifications"

urlpatterns = [
    path("", notifications.notification_list, name="list"),
    path("count/", notifications.unread_count, name="count"),
    path("<int:pk>/read/", notifications.mark_read, name="read"),
    path("read-all/", notifications.mark_all_read, name="read_all"),
]
