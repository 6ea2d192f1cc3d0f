import pytest
from pytest_django.fixtures import Settings


@pytest.fixture
def newsroom_in_new_york(settings: Settings) -> None:
    settings.TIME_ZONE = "America/New_York"
    settings.SITE_URL = "https://claimtrack.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_FOLLOW_UP_DAYS = [3, 7]
    settings.REMINDER_ESCALATE_AFTER_DAYS = 14
    settings.REMINDER_DIGEST_MAX_CLAIMS = 50
