"""Claims made in articles, their outcomes, timelines and reminders.

Depends on `articles`; `articles` never imports from here.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from articles.models import Article

from .cadence import first_reminder_on, step_of

if TYPE_CHECKING:
    from .dashboard import RowLinks

# The longest text each free-text field takes, in characters. Without them a 2.4 MB note
# was stored, and shown to every reader of the claim page. Forms say the limit
# (TextLimit), claims.services refuses what bypasses the forms (the admin, tasks), and
# CheckConstraints keep the TextFields to it on the database too.
STATEMENT_MAX = 1_000
QUOTE_MAX = 5_000
CRITERIA_MAX = 2_000
NOTE_MAX = 5_000  # resolution notes, evidence notes, and every timeline note
REASON_MAX = 2_000  # why a deadline moved, a snooze, a reopening
TIME_PHRASE_MAX = 300
TITLE_MAX = 500
URL_MAX = 2_000
NAME_MAX = 200
TAGS_MAX = 500  # the comma-separated list typed in the claim form
TAG_MAX = 60


@deconstructible
class TextLimit:
    """At most `limit` characters, said in words: "Keep the note to 5,000 characters or
    fewer (it has 2,400,000)." """

    code = "max_length"

    def __init__(self, limit: int, name: str) -> None:
        self.limit = limit
        self.name = name

    def __call__(self, value: str) -> None:
        if value is not None and len(value) > self.limit:
            raise ValidationError(self.message(len(value)), code=self.code)

    def message(self, length: int) -> str:
        return f"Keep the {self.name} to {self.limit:,} characters or fewer (it has {length:,})."

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextLimit) and (self.limit, self.name) == (
            other.limit,
            other.name,
        )


def _at_most(field: str, limit: int, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)


class ClaimStatus(models.TextChoices):
    OPEN = "open", "Open"
    FULFILLED = "fulfilled", "Fulfilled"
    PARTLY_FULFILLED = "partly_fulfilled", "Partly fulfilled"
    NOT_FULFILLED = "not_fulfilled", "Not fulfilled"
    UNRESOLVABLE = "unresolvable", "Unresolvable"
    VOID = "void", "Void"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ReasonCode(models.TextChoices):
    """Why a claim was not fulfilled, in news terms."""

    CANCELLED = "cancelled", "Cancelled"
    POSTPONED = "postponed", "Postponed past the deadline"
    REVERSED = "reversed", "Claimant reversed"
    NO_ACTION = "no_action", "No action"
    OTHER = "other", "Other"


class ClaimType(models.TextChoices):
    PREDICTION = "prediction", "Prediction"
    PROMISE = "promise", "Promise"
    OTHER = "other", "Other"


class Precision(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Year"


class Person(models.Model):
    """A claimant or speaker."""

    name = models.CharField(max_length=200, unique=True)
    description = models.CharField(max_length=300, blank=True, help_text="e.g. US president")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class PersonAlias(models.Model):
    """Another name a person goes by ("Mr. Trump", "Trump"), for matching claimants."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "person aliases"
        constraints = [
            models.UniqueConstraint(models.functions.Lower("alias"), name="person_alias_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.alias


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClaimQuerySet(models.QuerySet):
    def open(self) -> "ClaimQuerySet":
        return self.filter(status=ClaimStatus.OPEN)

    def overdue(self, today: dt.date) -> "ClaimQuerySet":
        """Open claims whose due date is before `today` (a date in TIME_ZONE)."""
        return self.filter(status=ClaimStatus.OPEN, due_date__lt=today)

    def due_within(self, today: dt.date, days: int) -> "ClaimQuerySet":
        return self.filter(
            status=ClaimStatus.OPEN,
            due_date__gte=today,
            due_date__lte=today + dt.timedelta(days=days),
        )

    def undated(self) -> "ClaimQuerySet":
        return self.filter(status=ClaimStatus.OPEN, due_date__isnull=True)

    def resolved(self) -> "ClaimQuerySet":
        return self.exclude(status=ClaimStatus.OPEN)


def newsroom_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in the newsroom's time zone (setting TIME_ZONE), or the date of `now`.

    TIME_ZONE explicitly, not the active time zone: a sweep started from a request that
    activated a user's zone must still agree with the dashboard on what is overdue. The
    one definition of "today" for the dashboard, the views, the services and the sweep.
    """
    return timezone.localdate(now, timezone.get_default_timezone())


class Claim(models.Model):
    if TYPE_CHECKING:
        # Set on a dashboard page's rows by claims.dashboard (not a column).
        links: RowLinks

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="claims")
    statement = models.TextField(
        help_text="The checkable statement, normalised.",
        validators=[TextLimit(STATEMENT_MAX, "statement")],
    )
    quote = models.TextField(
        blank=True,
        help_text="Verbatim text from the article body.",
        validators=[TextLimit(QUOTE_MAX, "quote")],
    )
    # Character span of `quote` in article.body, for highlighting: body[start:end] == quote.
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_end = models.PositiveIntegerField(null=True, blank=True)
    claimant = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    claim_type = models.CharField(max_length=12, choices=ClaimType, default=ClaimType.PREDICTION)
    time_phrase = models.CharField(max_length=300, blank=True, help_text="As written.")
    earliest_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(
        null=True, blank=True, help_text="Latest date by which it should happen."
    )
    precision = models.CharField(max_length=10, choices=Precision, blank=True)
    vague = models.BooleanField(default=False, help_text="The time phrase gives no firm date.")
    resolution_criteria = models.TextField(
        blank=True,
        help_text="What counts as fulfilled.",
        validators=[TextLimit(CRITERIA_MAX, "resolution criteria")],
    )

    status = models.CharField(max_length=20, choices=ClaimStatus, default=ClaimStatus.OPEN)
    reason_code = models.CharField(
        max_length=12, choices=ReasonCode, blank=True, help_text="Only for not fulfilled."
    )
    outcome_date = models.DateField(
        null=True, blank=True, help_text="When the outcome happened or became known."
    )
    outcome_note = models.TextField(blank=True, validators=[TextLimit(NOTE_MAX, "note")])
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    # A reviewer's snooze: reminders resume on this date. It never changes due_date.
    snoozed_until = models.DateField(null=True, blank=True)
    # The newsroom date on which the sweep looks at this open claim again: when its next
    # reminder step falls due (or its snooze ends). NULL: nothing to remind of (resolved,
    # undated, escalated already). Kept by claims.services and the sweep
    # (claims.cadence.first_reminder_on); a date too early is harmless, the sweep's
    # step-reached check and the unique constraint keep every step to one reminder.
    next_reminder_on = models.DateField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims")

    # Public pages (settings.PUBLIC_PAGES): NULL, not published. public_note is what the
    # public reads with the verdict; outcome_note stays internal.
    published_at = models.DateTimeField(null=True, blank=True)
    public_note = models.TextField(blank=True, validators=[TextLimit(NOTE_MAX, "public note")])

    # Bumped by every change; a change made against an older version is refused.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        permissions = [
            ("resolve_claim", "Can resolve, snooze, take claims and add evidence"),
            ("assign_claim", "Can assign claims to reviewers"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(claim_type__in=ClaimType.values), name="claim_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(precision="") | Q(precision__in=Precision.values),
                name="claim_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(earliest_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(earliest_date__lte=F("due_date")),
                name="claim_earliest_before_due",
            ),
            # Open claims carry no resolution; resolved ones say when they were resolved.
            models.CheckConstraint(
                condition=Q(status=ClaimStatus.OPEN, resolved_at__isnull=True)
                | (~Q(status=ClaimStatus.OPEN) & Q(resolved_at__isnull=False)),
                name="claim_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=Q(reason_code="")
                | Q(status=ClaimStatus.NOT_FULFILLED, reason_code__in=ReasonCode.values),
                name="claim_reason_code_valid",
            ),
            models.CheckConstraint(
                condition=Q(quote_start__isnull=True, quote_end__isnull=True)
                | Q(
                    quote_start__isnull=False,
                    quote_end__isnull=False,
                    quote_end__gt=F("quote_start"),
                ),
                name="claim_quote_span_valid",
            ),
            models.CheckConstraint(condition=~Q(statement=""), name="claim_statement_present"),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
            _at_most("statement", STATEMENT_MAX, "claim_statement_length"),
            _at_most("quote", QUOTE_MAX, "claim_quote_length"),
            _at_most("resolution_criteria", CRITERIA_MAX, "claim_criteria_length"),
            _at_most("outcome_note", NOTE_MAX, "claim_outcome_note_length"),
            _at_most("public_note", NOTE_MAX, "claim_public_note_length"),
        ]
        indexes = [
            # The overdue dashboard and claims.tasks.sweep_overdue: open claims by due date,
            # keyset-paginated on (due_date, id). Small: only open claims are indexed.
            models.Index(
                fields=["due_date", "id"],
                name="claim_open_due",
                condition=Q(status=ClaimStatus.OPEN),
            ),
            # claims.sweep.record_due_reminders: "status = 'open' AND next_reminder_on
            # <= today ORDER BY next_reminder_on, id", keyset-paginated. Holds only the open
            # claims with a reminder ahead, so a sweep with nothing due reads an empty range.
            models.Index(
                fields=["next_reminder_on", "id"],
                name="claim_open_next_reminder",
                condition=Q(status=ClaimStatus.OPEN, next_reminder_on__isnull=False),
            ),
            # "Mine" on the dashboard and a reviewer's queue: open claims of one assignee.
            models.Index(
                fields=["assignee", "due_date", "id"],
                name="claim_open_assignee_due",
                condition=Q(status=ClaimStatus.OPEN),
            ),
            # "Resolved in the last 30 days" counter and list, newest first.
            models.Index(
                fields=["-resolved_at", "-id"],
                name="claim_resolved_recent",
                condition=~Q(status=ClaimStatus.OPEN),
            ),
            # Scorecards: a claimant's claims by status.
            models.Index(fields=["claimant", "status"], name="claim_claimant_status"),
            # The dashboard counters' cache key: "SELECT MAX(updated_at)", the time of the
            # latest change to any claim (claims.dashboard.Dashboard.counts).
            models.Index(fields=["updated_at"], name="claim_updated"),
            # The public claims list: published claims, newest first (claims.public).
            models.Index(
                fields=["-published_at", "-id"],
                name="claim_published",
                condition=Q(published_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.statement[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A claim created without claims.services (the admin, test factories) still gets
        # its first reminder date; changes go through services, which keep it.
        if self._state.adding and self.next_reminder_on is None and self.status == ClaimStatus.OPEN:
            self.next_reminder_on = first_reminder_on(
                due_date=self.due_date, snoozed_until=self.snoozed_until
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("claims:detail", args=[self.pk])

    @property
    def is_resolved(self) -> bool:
        return self.status != ClaimStatus.OPEN

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or newsroom_today()
        return (
            self.status == ClaimStatus.OPEN and self.due_date is not None and self.due_date < today
        )

    def days_overdue(self, today: dt.date | None = None) -> int:
        today = today or newsroom_today()
        if self.due_date is None or not self.is_overdue(today):
            return 0
        return (today - self.due_date).days

    def window_display(self) -> str:
        """The predicted window in words, at its precision: "by Fri 31 Oct 2025"."""
        due, earliest = self.due_date, self.earliest_date
        if due is None:
            return "no date (vague)" if self.vague else "no date"
        if (
            self.precision == Precision.WEEK
            and earliest
            and earliest.weekday() == 0
            and (due - earliest).days == 6
        ):
            return f"week of {earliest:%a} {earliest.day} {earliest:%b %Y}"
        if self.precision == Precision.MONTH:
            if earliest and earliest.day == 1 and earliest.month == due.month:
                return f"in {due:%B %Y}"
            return f"by the end of {due:%B %Y}"
        if self.precision == Precision.QUARTER:
            return f"by the end of Q{(due.month - 1) // 3 + 1} {due.year}"
        if self.precision == Precision.YEAR:
            if earliest and (earliest.month, earliest.day) == (1, 1) and earliest.year == due.year:
                return f"in {due.year}"
            return f"by the end of {due.year}"
        return f"by {due:%a} {due.day} {due:%b %Y}"

    @property
    def is_late(self) -> bool:
        """Fulfilled, but after the due date."""
        return (
            self.status == ClaimStatus.FULFILLED
            and self.due_date is not None
            and self.outcome_date is not None
            and self.outcome_date > self.due_date
        )


class Evidence(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="evidence")
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True, validators=[TextLimit(NOTE_MAX, "note")])
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(note=""), name="evidence_has_url_or_note"
            ),
            _at_most("note", NOTE_MAX, "evidence_note_length"),
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.note[:60]


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    EDITED = "edited", "Edited"
    ASSIGNED = "assigned", "Assigned"
    DEADLINE_CHANGED = "deadline_changed", "Deadline changed"
    STATUS_CHANGED = "status_changed", "Status changed"
    EVIDENCE_ADDED = "evidence_added", "Evidence added"
    REMINDER_SENT = "reminder_sent", "Reminder sent"
    SNOOZED = "snoozed", "Snoozed"
    COMMENT = "comment", "Comment"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


class ClaimEvent(models.Model):
    """Append-only timeline of a claim. Rows are never updated or deleted."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for the system (reminders).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Free text: the reason for a deadline change or snooze, a comment, a resolution note.
    note = models.TextField(blank=True, validators=[TextLimit(NOTE_MAX, "note")])
    # Structured detail, e.g. {"field": {"before": ..., "after": ...}}.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
            _at_most("note", NOTE_MAX, "event_note_length"),
        ]
        indexes = [
            # The claim page's timeline, newest first.
            models.Index(fields=["claim", "-created_at", "-id"], name="event_claim_timeline"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on claim {self.claim_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Any: whatever Model.save takes is passed on unchanged.
        if self.pk is not None and not self._state.adding:
            raise ValueError("Claim events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Claim events are append-only.")


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    IN_APP = "in_app", "In-app"


# The navigation shows "99+" beyond this: counting further costs time and tells nobody more.
UNREAD_COUNT_CAP = 100


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def in_app_for(self, user: AbstractBaseUser | AnonymousUser) -> "ReminderQuerySet":
        return self.filter(recipient=user, channel=Channel.IN_APP)

    def unread(self) -> "ReminderQuerySet":
        return self.filter(read_at__isnull=True)

    def notifications_for(self, user: AbstractBaseUser | AnonymousUser) -> "ReminderQuerySet":
        """A person's in-app reminders, newest first."""
        return (
            self.in_app_for(user)
            .select_related("claim", "claim__claimant")
            .order_by("-created_at", "-id")
        )

    def unread_count(self, user: AbstractBaseUser | AnonymousUser) -> int:
        """Unread in-app reminders, counted up to UNREAD_COUNT_CAP (index reminder_unread_in_app)."""
        return self.in_app_for(user).unread().order_by()[:UNREAD_COUNT_CAP].count()

    def mark_read(self, now: dt.datetime | None = None) -> int:
        """Mark these reminders read (those unread only); how many were unread."""
        return self.unread().update(read_at=now or timezone.now())


class Reminder(models.Model):
    """One reminder of one claim to one person, for one due date, step and channel.

    Recorded before anything is sent; the unique constraint is what makes the sweep
    send each reminder exactly once, however often it runs.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    # The due date the reminder was for: moving the deadline starts a new cadence.
    due_date = models.DateField()
    # 0 = first reminder after the due date, 1.. = follow-ups, then escalation.
    step = models.PositiveSmallIntegerField()
    escalation = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Channel)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The sweep (Celery task id) that leased the row for its digest until next_attempt_at:
    # the same task retried takes its own rows back at once instead of waiting out the lease.
    leased_by = models.CharField(max_length=64, blank=True, default="", db_default="")
    last_error = models.TextField(blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "recipient", "due_date", "step", "channel"],
                name="reminder_once_per_step",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="reminder_channel_valid"
            ),
        ]
        indexes = [
            # Unread count in the navigation and the notifications page.
            models.Index(
                fields=["recipient", "-created_at"],
                name="reminder_unread_in_app",
                condition=Q(channel=Channel.IN_APP, read_at__isnull=True),
            ),
            # The sweep's retry of emails recorded but not yet sent.
            models.Index(
                fields=["next_attempt_at"],
                name="reminder_unsent_email",
                condition=Q(channel=Channel.EMAIL, sent_at__isnull=True),
            ),
            # Which step a claim has reached for its current due date.
            models.Index(fields=["claim", "due_date", "step"], name="reminder_claim_step"),
        ]

    def __str__(self) -> str:
        return f"Reminder step {self.step} of claim {self.claim_id} to {self.recipient_id}"

    @property
    def description(self) -> str:
        """What the reminder was, in plain words: "third reminder, 7 days overdue".

        The step as the cadence names it, and how late the claim was when it arrived.
        """
        days = (newsroom_today(self.created_at) - self.due_date).days
        return step_of(self.step, self.escalation).describe(days_overdue=days)


# --- Intake: suggested claims and a claim's other sources (issue 11) --------------------


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    LOGGED = "logged", "Logged as a claim"
    SOURCED = "sourced", "Added as a source"
    DISMISSED = "dismissed", "Dismissed"


class Suggestion(models.Model):
    """A candidate claim found in an article by claims.suggestions, kept so that an editor's
    decision (logged, dismissed) survives running the suggestions again."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    # The passage's text, hashed: its identity across re-runs even when an edit of the
    # article moves its offsets.
    passage_key = models.CharField(max_length=64)
    quote = models.TextField()
    quote_start = models.PositiveIntegerField()
    quote_end = models.PositiveIntegerField()
    statement = models.TextField()
    claimant_name = models.CharField(max_length=NAME_MAX, blank=True)
    # Matched to a known person or alias only: nobody is created until the claim is logged.
    claimant = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claim_type = models.CharField(max_length=12, choices=ClaimType, default=ClaimType.PREDICTION)
    time_phrase = models.CharField(max_length=TIME_PHRASE_MAX, blank=True)
    earliest_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    precision = models.CharField(max_length=10, choices=Precision, blank=True)
    vague = models.BooleanField(default=False)
    reference_date = models.DateField(null=True, blank=True)
    reference_note = models.CharField(max_length=200, blank=True)
    score = models.FloatField(default=0)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus, default=SuggestionStatus.PENDING
    )
    # The claim it was logged as, or added to as a source.
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "quote_start"]
        constraints = [
            models.UniqueConstraint(fields=["article", "passage_key"], name="suggestion_passage"),
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values), name="suggestion_status_valid"
            ),
        ]
        indexes = [
            # Serves the pending counts of the article list and the "articles with
            # suggestions to review" page (an EXISTS per article).
            models.Index(
                fields=["article"],
                name="suggestion_pending",
                condition=Q(status=SuggestionStatus.PENDING),
            ),
        ]

    def __str__(self) -> str:
        return f"Suggestion {self.pk} in article {self.article_id}: {self.statement[:60]}"


class ClaimSource(models.Model):
    """Another article reporting a claim already tracked: the same claim, one more source."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="sources")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="claim_sources")
    quote = models.TextField(blank=True, validators=[TextLimit(QUOTE_MAX, "quote")])
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_end = models.PositiveIntegerField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "article"], name="claim_source_once"),
        ]
        # The article page's "claims sourced from this article" (claim_id is covered by the
        # unique constraint's index).
        indexes = [models.Index(fields=["article"], name="claim_source_article")]

    def __str__(self) -> str:
        return f"Source {self.article_id} of claim {self.claim_id}"


class FeedKind(models.TextChoices):
    ICAL = "ical", "Due dates (iCalendar)"
    ATOM = "atom", "Resolutions (Atom)"


class FeedToken(models.Model):
    """The secret in a person's feed address (claims.exports). Only its SHA-256 is kept: a
    copy of the database does not open anyone's feed, and the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    kind = models.CharField(max_length=8, choices=FeedKind)
    # Looked up by hash on every feed request (a calendar polls every few minutes).
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Renewing replaces the one address of that kind: the old one stops working.
            models.UniqueConstraint(fields=["user", "kind"], name="feed_token_one_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=FeedKind.values), name="feed_token_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} feed of {self.user}"


# --- Outgoing webhooks (issue 13; claims.webhooks) ---------------------------------------


class WebhookEventKind(models.TextChoices):
    CREATED = "claim.created", "Claim created"
    RESOLVED = "claim.resolved", "Claim resolved"
    DEADLINE_MOVED = "claim.deadline_moved", "Deadline moved"
    OVERDUE = "claim.overdue", "Claim overdue"
    # Sent by "Send a test event" only; nobody subscribes to it.
    TEST = "test", "Test event"


class WebhookFormat(models.TextChoices):
    JSON = "json", "JSON (signed)"
    SLACK = "slack", "Slack incoming webhook"


class WebhookEndpoint(models.Model):
    """An address an editor set up to hear of claims' changes (claims.webhooks)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    name = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=URL_MAX)
    # Shown to the editor once, when made or rotated; needed in clear to sign each body.
    secret = models.CharField(max_length=64)
    # The WebhookEventKind values subscribed to.
    events = models.JSONField(default=list)
    format = models.CharField(max_length=8, choices=WebhookFormat, default=WebhookFormat.JSON)
    # NULL: active. Set when paused by an editor or after WEBHOOK_PAUSE_AFTER_FAILURES
    # deliveries in a row failed for good; deliveries wait, pending, until it is resumed.
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.CharField(max_length=300, blank=True)
    # Deliveries that failed for good in a row; a delivered one sets it back to 0.
    failure_streak = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=WebhookFormat.values), name="webhook_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.url

    @property
    def active(self) -> bool:
        return self.paused_at is None

    def event_labels(self) -> list[str]:
        labels = dict(WebhookEventKind.choices)
        return [labels[kind] for kind in self.events if kind in labels]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """The outbox: one event for one endpoint, written in the transaction of the change.

    The task that sends it claims the row first with a conditional UPDATE (moving
    next_attempt_at past the send's timeout), so two workers never send it at once; the
    unique (endpoint, event_id) keeps an event, such as "overdue" for a claim's due date,
    to one row.
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField()
    kind = models.CharField(max_length=30, choices=WebhookEventKind)
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_event_once"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            ),
        ]
        indexes = [
            # The beat task's pick-up of deliveries whose task was lost.
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=Q(status=DeliveryStatus.PENDING),
            ),
            # An endpoint's delivery log, newest first.
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id} to endpoint {self.endpoint_id}"


class CountKind(models.TextChoices):
    CLAIMANT = "claimant", "Claimant"
    OUTLET = "outlet", "Outlet"


# ScorecardCount.days_late of a claim that has no days late (not fulfilled, or undated, or
# without an outcome date): a sentinel, not NULL, so that the unique key (and with it the
# upsert's ON CONFLICT) matches; no two dates are 10 million days apart.
UNTIMED = 10_000_000


class ScorecardCount(models.Model):
    """How many claims of one claimant (or outlet) share one scorecard key, kept by
    claims.scorecard_counts in the same transaction as every change to a claim.

    A card is one indexed read of these rows instead of an aggregate over the claims
    (bench/README.md, issue 12). Withdrawn claims have no row. ``due_month`` is YYYYMM
    (0: no due date); ``open_due`` is YYYYMMDD of an open claim's due date (0 for the
    rest), since "overdue" moves with today; ``days_late`` is outcome minus due date of a
    fulfilled claim with both (UNTIMED otherwise): a histogram the median comes from.
    ``subject`` is a Person or Outlet pk, by ``kind``; a row at n = 0 is deleted.
    """

    kind = models.CharField(max_length=8, choices=CountKind)
    subject = models.BigIntegerField()
    published = models.BooleanField()
    status = models.CharField(max_length=20, choices=ClaimStatus)
    reason_code = models.CharField(max_length=12, blank=True)
    due_month = models.IntegerField()
    open_due = models.IntegerField()
    days_late = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            # The upsert's ON CONFLICT target; its index (kind, subject, ...) also serves
            # a card's "WHERE kind = %s AND subject = %s".
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "subject",
                    "published",
                    "status",
                    "reason_code",
                    "due_month",
                    "open_due",
                    "days_late",
                ],
                name="scorecard_count_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}: {self.n} {self.status}"


class ScorecardTotal(models.Model):
    """Claims tracked per claimant (or outlet), published or not: the ranked indexes read
    these (at most two rows per subject) instead of summing ScorecardCount."""

    kind = models.CharField(max_length=8, choices=CountKind)
    subject = models.BigIntegerField()
    published = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            # The upsert's ON CONFLICT target and the ranked index's "WHERE kind = %s".
            models.UniqueConstraint(
                fields=["kind", "subject", "published"], name="scorecard_total_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}: {self.n} tracked"


class ScorecardPair(models.Model):
    """Claims tracked per claimant in each outlet: a card's filter form offers the
    outlets a claimant was quoted in (and the claimants of an outlet) from these rows,
    where a join over the claims took 530 ms for the biggest claimant (bench/README.md)."""

    claimant = models.BigIntegerField()
    outlet = models.BigIntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            # The upsert's ON CONFLICT target and a claimant card's outlets.
            models.UniqueConstraint(fields=["claimant", "outlet"], name="scorecard_pair_key"),
        ]
        indexes = [
            # An outlet card's claimants.
            models.Index(fields=["outlet", "claimant"], name="scorecard_pair_outlet"),
        ]

    def __str__(self) -> str:
        return f"claimant {self.claimant} in outlet {self.outlet}: {self.n}"
