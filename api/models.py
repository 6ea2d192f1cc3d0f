from django.conf import settings
from django.db import models
from django.utils import timezone

NAME_MAX = 100


class ApiToken(models.Model):
    """A personal API token (README, "API"): a program acting as its person, with that
    person's role, read-only unless made read-write. Only the SHA-256 of the secret is kept,
    so a copy of the database opens nothing; the secret is shown once, when created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=NAME_MAX)
    read_write = models.BooleanField(default=False)
    # Looked up by hash on every API request that carries a token.
    token_hash = models.CharField(max_length=64, unique=True)
    # The secret's first characters, shown on the settings page to tell tokens apart.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Revoked tokens are kept (and listed as revoked), not deleted: what a token did stays
    # explicable after it stops working.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
