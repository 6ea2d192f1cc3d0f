"""Every change to a claim goes through a function here.

Each one checks the version the user saw, changes the claim with a conditional UPDATE,
and writes its ClaimEvent in the same transaction: nothing is overwritten silently and
nothing changes without a line in the timeline.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article

from . import tasks, webhooks
from .cadence import first_reminder_on
from .models import (
    CRITERIA_MAX,
    NAME_MAX,
    NOTE_MAX,
    QUOTE_MAX,
    REASON_MAX,
    STATEMENT_MAX,
    TIME_PHRASE_MAX,
    TITLE_MAX,
    URL_MAX,
    Claim,
    ClaimEvent,
    ClaimStatus,
    ClaimType,
    EventKind,
    Evidence,
    Person,
    PersonAlias,
    ReasonCode,
    Tag,
    TextLimit,
    WebhookEventKind,
    newsroom_today,
)
from .quotes import find_quote
from .scorecard_counts import count_change, counted_key, lock_outlet

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class VersionConflict(Exception):
    """The claim changed after the user loaded it; `current` is its state now."""

    def __init__(self, current: Claim, seen_version: int) -> None:
        super().__init__(f"Claim {current.pk} is at version {current.version}, not {seen_version}")
        self.current = current
        self.seen_version = seen_version

    def changes_since(self) -> list[ClaimEvent]:
        """The timeline entries the user has not seen, oldest first."""
        events = self.current.events.select_related("actor").order_by("created_at", "id")
        return [e for e in events if e.data.get("version", 0) > self.seen_version]


# --- What a claim may hold --------------------------------------------------------------

# The dates a claim's window (and a snooze) may take: beyond any newsroom's horizon, and far
# enough from the calendar's ends that the reminder cadence (a date plus days) never
# overflows, as 9999-12-31 did.
WINDOW_EARLIEST = dt.date(1900, 1, 1)
WINDOW_LATEST = dt.date(2100, 12, 31)


def check_window(
    *,
    due_date: dt.date | None,
    earliest_date: dt.date | None = None,
    due_field: str = "due_date",
    article_date: dt.date | None = None,
) -> None:
    """Refuse a predicted window a claim cannot have, with each error on its field.

    The one rule for the claim form, the deadline form and every service that sets a
    window; a form adds the ValidationError's errors to its fields. `article_date` (the
    claim's article's published date) is the floor of the due date: a statement whose
    date had passed when it was published is a report, not a prediction. The floor is
    the article's date, not the speech day: "tomorrow" said on Thursday in Friday's
    article is due Friday, never Thursday.
    """
    errors: dict[str, str] = {}
    for name, value in (("earliest_date", earliest_date), (due_field, due_date)):
        if value is not None and not WINDOW_EARLIEST <= value <= WINDOW_LATEST:
            errors[name] = (
                f"Give a date from {WINDOW_EARLIEST:%-d %b %Y} to {WINDOW_LATEST:%-d %b %Y}."
            )
    if not errors and article_date and due_date and due_date < article_date:
        errors[due_field] = (
            "A prediction's due date cannot be before the article's date, "
            f"{article_date:%-d %b %Y}: a past-dated statement is not a prediction."
        )
    if not errors and earliest_date and due_date and earliest_date > due_date:
        errors["earliest_date"] = "The earliest date is after the due date."
    if errors:
        raise ValidationError(errors)


# Each free-text argument of the services below, its limit and its name in an error.
TEXT_LIMITS = {
    "statement": TextLimit(STATEMENT_MAX, "statement"),
    "quote": TextLimit(QUOTE_MAX, "quote"),
    "time_phrase": TextLimit(TIME_PHRASE_MAX, "time phrase"),
    "resolution_criteria": TextLimit(CRITERIA_MAX, "resolution criteria"),
    "note": TextLimit(NOTE_MAX, "note"),
    "reason": TextLimit(REASON_MAX, "reason"),
    "title": TextLimit(TITLE_MAX, "title"),
    "evidence_title": TextLimit(TITLE_MAX, "evidence title"),
    "url": TextLimit(URL_MAX, "link"),
    "evidence_url": TextLimit(URL_MAX, "evidence link"),
    "claimant": TextLimit(NAME_MAX, "claimant's name"),
    "alias": TextLimit(NAME_MAX, "alias"),
}


def check_lengths(**texts: str | None) -> None:
    """Refuse text longer than its field takes, naming the limit, so what bypasses the
    forms (the admin, a task, the API) is held to the same limits."""
    errors = {}
    for name, value in texts.items():
        limit = TEXT_LIMITS[name]
        if value and len(value) > limit.limit:
            errors[name] = limit.message(len(value))
    if errors:
        raise ValidationError(errors)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _user(user: User | None) -> str | None:
    return user.get_username() if user else None


def _restart_reminders(
    claim: Claim, *, due_date: dt.date | None, snoozed_until: dt.date | None
) -> dt.date | None:
    """next_reminder_on for `claim` (as at the version being changed) after a change.

    From the first step of the cadence, at the earliest when the snooze ends; the sweep
    skips the steps already reminded of for this due date. None for a resolved claim.
    """
    if claim.status != ClaimStatus.OPEN:
        return None
    return first_reminder_on(due_date=due_date, snoozed_until=snoozed_until)


def _bump(*, claim: Claim, version: int, fields: dict[str, Any]) -> Claim:
    """Apply `fields` and move the version on, if the claim is still at `version`.

    The conditional UPDATE is the lock: of two reviewers submitting against the same
    version, exactly one matches a row; the other gets VersionConflict.
    The scorecard counts move with it (claims.scorecard_counts), in the caller's
    transaction: the claim as it was at `version` is read first, after locking its
    article's row (an outlet change moves the article's counts under that lock; the same
    order everywhere, article then claim, so the two never deadlock).
    """
    outlet_id = lock_outlet(claim.article_id)
    before = Claim.objects.filter(pk=claim.pk, version=version).first()
    updated = 0
    if before is not None:
        updated = Claim.objects.filter(pk=claim.pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now(), **fields
        )
    if updated != 1:
        raise VersionConflict(Claim.objects.get(pk=claim.pk), version)
    claim.refresh_from_db()
    assert before is not None
    count_change(counted_key(before, outlet_id), counted_key(claim, outlet_id))
    return claim


def _change(
    *,
    claim: Claim,
    version: int,
    by: User | None,
    kind: EventKind,
    fields: dict[str, Any],
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Claim:
    """Apply `fields` if the claim is still at `version`, and record the event."""
    with transaction.atomic():
        claim = _bump(claim=claim, version=version, fields=fields)
        ClaimEvent.objects.create(
            claim=claim,
            kind=kind,
            actor=by,
            note=note,
            data={**(data or {}), "version": claim.version},
        )
    _remind_if_due(claim)
    return claim


def _remind_if_due(claim: Claim) -> None:
    """A claim whose next reminder is due already (logged late, a deadline moved into the
    past, reopened long after its date) asks for a sweep once the change commits, rather
    than waiting up to SWEEP_EVERY_MINUTES for beat. With the broker down this is logged,
    and beat's next sweep catches up: what is due lives in the database."""
    if claim.next_reminder_on is not None and claim.next_reminder_on <= newsroom_today():
        tasks.queue_sweep()


# --- Claimants and tags ----------------------------------------------------------------


def _spaced(name: str) -> str:
    """A name as stored: runs of white space made one space, none at the ends."""
    return " ".join(name.split())


def find_person(name: str) -> Person | None:
    """The person called `name`, by their name or one of their aliases (any case)."""
    name = _spaced(name)
    if not name:
        return None
    return (
        Person.objects.filter(Q(name__iexact=name) | Q(aliases__alias__iexact=name))
        .distinct()
        .first()
    )


def find_or_create_person(name: str) -> Person | None:
    name = _spaced(name)
    if not name:
        return None
    check_lengths(claimant=name)
    person = find_person(name)
    if person is None:
        person, _ = Person.objects.get_or_create(name=name)
    return person


def add_alias(*, person: Person, alias: str) -> None:
    alias = _spaced(alias)
    check_lengths(alias=alias)
    if alias and alias.lower() != person.name.lower():
        try:
            with transaction.atomic():
                PersonAlias.objects.create(person=person, alias=alias)
        except IntegrityError:
            pass  # the alias is taken already; matching keeps working


def tags_from_text(text: str) -> list[Tag]:
    """Tags named in a comma-separated list, created as needed."""
    tags = []
    for name in dict.fromkeys(n.strip() for n in text.split(",")):
        if not name:
            continue
        slug = slugify(name)[:60] or "tag"
        tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:60]})
        tags.append(tag)
    return tags


# --- Logging a claim --------------------------------------------------------------------


def locate_quote(
    *, body: str, quote: str, start: int | None = None, end: int | None = None
) -> tuple[int, int]:
    """The character span of `quote` in `body` (claims.quotes.find_quote), or a refusal."""
    if not quote:
        raise ValidationError("The quote is empty.")
    span = find_quote(body, quote, start, end)
    if span is None:
        raise ValidationError("The quote does not occur in the article's text.")
    return span


def create_claim(
    *,
    article: Article,
    by: User | None,
    statement: str,
    quote: str = "",
    quote_start: int | None = None,
    quote_end: int | None = None,
    claimant: str = "",
    claim_type: str = ClaimType.PREDICTION,
    time_phrase: str = "",
    due_date: dt.date | None = None,
    earliest_date: dt.date | None = None,
    precision: str = "",
    vague: bool = False,
    resolution_criteria: str = "",
    assignee: User | None = None,
    tags: str = "",
) -> Claim:
    """Log a claim. `claimant` is a name (or alias) and `tags` a comma-separated list; the
    people and tags new to them are created with the claim, so a refused claim leaves none."""
    check_lengths(
        statement=statement,
        quote=quote,
        time_phrase=time_phrase,
        resolution_criteria=resolution_criteria,
        claimant=_spaced(claimant),
    )
    check_window(
        due_date=due_date, earliest_date=earliest_date, article_date=article.published_date
    )
    if quote:
        quote_start, quote_end = locate_quote(
            body=article.body, quote=quote, start=quote_start, end=quote_end
        )
        quote = article.body[quote_start:quote_end]
    else:
        quote_start = quote_end = None
    with transaction.atomic():
        # Counted by claims.scorecard_counts.claim_saved (post_save) in this transaction.
        claim = Claim.objects.create(
            article=article,
            statement=statement.strip(),
            quote=quote,
            quote_start=quote_start,
            quote_end=quote_end,
            claimant=find_or_create_person(claimant),
            claim_type=claim_type,
            time_phrase=time_phrase.strip(),
            due_date=due_date,
            earliest_date=earliest_date,
            precision=precision,
            vague=vague,
            resolution_criteria=resolution_criteria.strip(),
            assignee=assignee,
            created_by=by,
            next_reminder_on=first_reminder_on(due_date=due_date, snoozed_until=None),
        )
        claim.tags.set(tags_from_text(tags))
        ClaimEvent.objects.create(
            claim=claim,
            kind=EventKind.CREATED,
            actor=by,
            data={
                "version": claim.version,
                "due_date": _date(due_date),
                "assignee": _user(assignee),
            },
        )
        webhooks.queue_event(WebhookEventKind.CREATED, claim)
    _remind_if_due(claim)
    return claim


EDITABLE_FIELDS = (
    "statement",
    "claimant",
    "claim_type",
    "time_phrase",
    "earliest_date",
    "due_date",
    "precision",
    "vague",
    "resolution_criteria",
)


def _display(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def edit_claim(
    *,
    claim: Claim,
    by: User,
    version: int,
    claimant: str | None = None,
    tags: str | None = None,
    **changes: Any,
) -> Claim:
    """An editor's correction of how the claim was logged.

    `claimant` is a name and `tags` a comma-separated list, as in create_claim; None
    leaves them as they are.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    texts = {k: v for k, v in changes.items() if k in TEXT_LIMITS and isinstance(v, str)}
    if claimant is not None:
        texts["claimant"] = _spaced(claimant)
    check_lengths(**texts)
    earliest = changes.get("earliest_date", claim.earliest_date)
    due = changes.get("due_date", claim.due_date)
    check_window(due_date=due, earliest_date=earliest, article_date=claim.article.published_date)
    with transaction.atomic():
        if claimant is not None:
            changes["claimant"] = find_or_create_person(claimant)
        diff = {
            name: {"before": _display(getattr(claim, name)), "after": _display(value)}
            for name, value in changes.items()
            if getattr(claim, name) != value
        }
        new_tags = None if tags is None else tags_from_text(tags)
        if new_tags is not None:
            new_names = sorted({t.name for t in new_tags})
            old_names = sorted(claim.tags.values_list("name", flat=True))
            if new_names != old_names:
                diff["tags"] = {"before": old_names, "after": new_names}
        fields = dict(changes)
        if "due_date" in changes and changes["due_date"] != claim.due_date:
            # A corrected due date starts the cadence again, as change_deadline does.
            fields["next_reminder_on"] = _restart_reminders(
                claim, due_date=due, snoozed_until=claim.snoozed_until
            )
        claim = _change(
            claim=claim,
            version=version,
            by=by,
            kind=EventKind.EDITED,
            fields=fields,
            data={"changes": diff},
        )
        if new_tags is not None:
            claim.tags.set(new_tags)
    return claim


# --- Reviewing ------------------------------------------------------------------------


def resolve_claim(
    *,
    claim: Claim,
    by: User,
    version: int,
    status: str,
    reason_code: str = "",
    outcome_date: dt.date | None = None,
    note: str = "",
    evidence_url: str = "",
    evidence_title: str = "",
    public_note: str | None = None,
) -> Claim:
    """Record the outcome, or re-rate a resolved claim. Reopening is `reopen_claim`.

    `public_note` is what the public reads with the verdict; None keeps the one there.
    """
    check_lengths(note=note, evidence_url=evidence_url, evidence_title=evidence_title)
    if public_note is not None and len(public_note) > NOTE_MAX:
        raise ValidationError(TextLimit(NOTE_MAX, "public note").message(len(public_note)))
    extra = {} if public_note is None else {"public_note": public_note.strip()}
    if status not in ClaimStatus.values or status == ClaimStatus.OPEN:
        raise ValidationError("Choose an outcome.")
    if status == ClaimStatus.NOT_FULFILLED:
        if reason_code not in ReasonCode.values:
            raise ValidationError("Say why it was not fulfilled.")
    else:
        reason_code = ""
    if outcome_date and outcome_date > newsroom_today():
        raise ValidationError("The outcome date is in the future.")
    before = {"status": claim.status, "reason_code": claim.reason_code}
    with transaction.atomic():
        claim = _change(
            claim=claim,
            version=version,
            by=by,
            kind=EventKind.STATUS_CHANGED,
            fields={
                "status": status,
                "reason_code": reason_code,
                "outcome_date": outcome_date,
                "outcome_note": note.strip(),
                "resolved_at": timezone.now(),
                "resolved_by": by,
                "next_reminder_on": None,
                **extra,
            },
            note=note.strip(),
            data={
                "before": before,
                "after": {"status": status, "reason_code": reason_code},
                "outcome_date": _date(outcome_date),
            },
        )
        if evidence_url:
            _add_evidence_row(claim=claim, by=by, url=evidence_url, title=evidence_title, note="")
        # A re-rating too: receivers hear of every verdict.
        webhooks.queue_event(
            WebhookEventKind.RESOLVED, claim, data={"before": _webhook_before(before)}
        )
    return claim


def _webhook_before(before: dict[str, str]) -> dict[str, str | None]:
    return {"status": before["status"], "reason_code": before["reason_code"] or None}


def reopen_claim(*, claim: Claim, by: User, version: int, note: str = "") -> Claim:
    check_lengths(note=note)
    if claim.status == ClaimStatus.OPEN:
        raise ValidationError("The claim is open already.")
    return _change(
        claim=claim,
        version=version,
        by=by,
        kind=EventKind.STATUS_CHANGED,
        fields={
            "status": ClaimStatus.OPEN,
            "reason_code": "",
            "resolved_at": None,
            "resolved_by": None,
            "next_reminder_on": first_reminder_on(
                due_date=claim.due_date, snoozed_until=claim.snoozed_until
            ),
        },
        note=note.strip(),
        data={
            "before": {"status": claim.status, "reason_code": claim.reason_code},
            "after": {"status": ClaimStatus.OPEN, "reason_code": ""},
        },
    )


def _add_evidence_row(*, claim: Claim, by: User, url: str, title: str, note: str) -> Evidence:
    evidence = Evidence.objects.create(
        claim=claim, url=url.strip(), title=title.strip(), note=note.strip(), added_by=by
    )
    ClaimEvent.objects.create(
        claim=claim,
        kind=EventKind.EVIDENCE_ADDED,
        actor=by,
        note=evidence.title or evidence.url or evidence.note,
        data={"version": claim.version, "evidence": evidence.pk, "url": evidence.url},
    )
    return evidence


def add_evidence(
    *,
    claim: Claim,
    by: User,
    version: int,
    url: str = "",
    title: str = "",
    note: str = "",
) -> Evidence:
    check_lengths(url=url, title=title, note=note)
    if not url.strip() and not note.strip():
        raise ValidationError("Give a link or a note.")
    with transaction.atomic():
        claim = _bump(claim=claim, version=version, fields={})
        return _add_evidence_row(claim=claim, by=by, url=url, title=title, note=note)


def change_deadline(
    *,
    claim: Claim,
    by: User,
    version: int,
    due_date: dt.date,
    reason: str,
    earliest_date: dt.date | None = None,
    precision: str | None = None,
) -> Claim:
    """The claimant moved their own deadline ("postponed by the White House").

    Reminders start their cadence again from the new date. Kept apart from a snooze,
    which only delays reminders and never changes what was claimed.
    """
    check_lengths(reason=reason)
    if not reason.strip():
        raise ValidationError("Say why the deadline changed.")
    check_window(
        due_date=due_date, earliest_date=earliest_date, article_date=claim.article.published_date
    )
    fields: dict[str, Any] = {
        "due_date": due_date,
        "earliest_date": earliest_date,
        "next_reminder_on": _restart_reminders(
            claim, due_date=due_date, snoozed_until=claim.snoozed_until
        ),
    }
    if precision is not None:
        fields["precision"] = precision
    before = {"due_date": _date(claim.due_date), "earliest_date": _date(claim.earliest_date)}
    with transaction.atomic():
        claim = _change(
            claim=claim,
            version=version,
            by=by,
            kind=EventKind.DEADLINE_CHANGED,
            fields=fields,
            note=reason.strip(),
            data={
                "before": before,
                "after": {"due_date": _date(due_date), "earliest_date": _date(earliest_date)},
            },
        )
        webhooks.queue_event(
            WebhookEventKind.DEADLINE_MOVED,
            claim,
            data={"before": before, "reason": reason.strip()},
        )
    return claim


def snooze_claim(*, claim: Claim, by: User, version: int, until: dt.date, reason: str) -> Claim:
    """A reviewer's "check again on 3 November": reminders pause until then."""
    check_lengths(reason=reason)
    if until <= newsroom_today():
        raise ValidationError("Snooze until a date after today.")
    check_window(due_date=until, due_field="until")
    return _change(
        claim=claim,
        version=version,
        by=by,
        kind=EventKind.SNOOZED,
        fields={
            "snoozed_until": until,
            "next_reminder_on": _restart_reminders(
                claim, due_date=claim.due_date, snoozed_until=until
            ),
        },
        note=reason.strip(),
        data={"before": _date(claim.snoozed_until), "after": _date(until)},
    )


def assign_claim(*, claim: Claim, by: User, version: int, assignee: User | None) -> Claim:
    return _change(
        claim=claim,
        version=version,
        by=by,
        kind=EventKind.ASSIGNED,
        fields={"assignee": assignee},
        data={"before": _user(claim.assignee), "after": _user(assignee)},
    )


class AssignedToSomeoneElse(ValidationError):
    """Taking a claim someone else has would be reassigning it, which is for editors."""


def take_claim(*, claim: Claim, by: User, version: int) -> Claim:
    """A reviewer assigns an unassigned claim to themselves; taking their own changes nothing.

    `claim` is as loaded with the request: the conditional UPDATE in _change refuses it if
    it moved on from `version`, so an assignment made meanwhile is never overwritten.
    """
    if claim.assignee_id == by.pk:
        return claim
    if claim.assignee_id is not None:
        raise AssignedToSomeoneElse(
            f"This claim is assigned to {_user(claim.assignee)}. Only an editor can reassign it.",
            code="assigned_to_someone_else",
        )
    return assign_claim(claim=claim, by=by, version=version, assignee=by)


# --- Publishing -------------------------------------------------------------------------


def publish_claim(*, claim: Claim, by: User, version: int) -> Claim:
    """Open the claim's public page (with settings.PUBLIC_PAGES on); editors only."""
    if claim.published_at is not None:
        raise ValidationError("The claim is published already.")
    return _change(
        claim=claim,
        version=version,
        by=by,
        kind=EventKind.PUBLISHED,
        fields={"published_at": timezone.now()},
    )


def unpublish_claim(*, claim: Claim, by: User, version: int) -> Claim:
    if claim.published_at is None:
        raise ValidationError("The claim is not published.")
    return _change(
        claim=claim,
        version=version,
        by=by,
        kind=EventKind.UNPUBLISHED,
        fields={"published_at": None},
        data={"published_at": claim.published_at.isoformat()},
    )
