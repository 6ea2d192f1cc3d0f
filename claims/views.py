import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import push_url

from articles.models import Article
from articles.rendering import context_paragraphs
from config.auth import role_required
from config.http import HtmxHttpRequest
from config.paging import Keyset, split_page

from . import services
from .article_page import quote_mark
from .dashboard import COUNT_CAP, LOCAL_CACHE, VIEWS, Dashboard, DashboardFilters
from .forms import (
    ROW_FORM_CLASSES,
    AssignForm,
    ClaimEditForm,
    ClaimForm,
    DeadlineForm,
    EvidenceForm,
    PublishForm,
    ReopenForm,
    ResolveForm,
    SnoozeForm,
    TakeForm,
    claim_initial,
    reading_day,
    reading_note,
)
from .models import (
    QUOTE_MAX,
    TIME_PHRASE_MAX,
    Claim,
    ClaimEvent,
    ClaimStatus,
    Person,
    Suggestion,
    newsroom_today,
)
from .suggestions import quote_time_phrase
from .timephrases import Window, resolve_time_phrase

CLAIM_RELATED = ("article", "article__outlet", "claimant", "assignee", "resolved_by")


def _get_claim(pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related(*CLAIM_RELATED).prefetch_related("tags"), pk=pk
    )


@role_required("claims.view_claim")
@require_safe
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """The overdue dashboard: counters, the list, filters in the URL, inline review."""
    board = Dashboard.from_query(request.GET, user=request.user, today=newsroom_today())
    template = "claims/dashboard.html"
    if request.GET.get("part") == "counters":
        return render(request, template + "#counters", _board_context(board))
    after = request.GET.get("after", "")
    rows, next_cursor = board.page(after)
    context = _board_context(board, rows=rows, next_cursor=next_cursor)
    context["rows_html"] = rows_html(rows, board=board, can_review=context["can_review"])
    if not request.htmx or request.htmx.history_restore_request:
        return render(request, template, context)
    if after:
        return render(request, template + "#more-rows", context)
    # The address bar shows the filters without the empty ones, ready to bookmark.
    return push_url(
        render(request, template + "#dashboard", context),
        board.url(),
    )


# A row's HTML is kept in this process's memory under a key made of everything it shows
# that can change: the claim's version (moved by every change through claims.services),
# the last reminder sent, today's date (days overdue), and what the viewer may do. So a
# kept row is never out of date, except for names edited elsewhere (an outlet, a person,
# an article's date), for at most ROW_HTML_SECONDS.
ROW_HTML_SECONDS = 300


def rows_html(rows: list[Claim], *, board: Dashboard, can_review: bool) -> list[str]:
    """Each row's HTML, rendered once per process and then reused until its claim changes:
    rendering was two thirds of a dashboard page's time (bench/README.md)."""
    user_pk = board.user.pk
    keys = {
        row.pk: (
            f"row:{row.pk}:{row.version}:{row.updated_at.timestamp()}:"
            # Annotated by dashboard._with_row_data, which the stubs cannot see from here.
            f"{row.last_reminded_at and row.last_reminded_at.timestamp()}:"  # type: ignore[attr-defined]
            f"{board.today.isoformat()}:{int(can_review)}:{int(row.assignee_id == user_pk)}:"
            f"{_reminded(row, user_pk)}"
        )
        for row in rows
    }
    cache = caches[LOCAL_CACHE]
    found = cache.get_many(list(keys.values()))
    rendered = {}
    template = get_template("claims/dashboard.html#row")
    for row in rows:
        key = keys[row.pk]
        if key not in found:
            found[key] = rendered[key] = template.render(
                {
                    "row": row,
                    "today": board.today,
                    "can_review": can_review,
                    "user": board.user,
                    "row_forms": ROW_FORMS,
                }
            )
    if rendered:
        cache.set_many(rendered, ROW_HTML_SECONDS)
    return [found[keys[row.pk]] for row in rows]


def _reminded(row: Claim, user_pk: int | None) -> str:
    """Whom a row's "Last reminder" names, for its key: the editors, the viewer, or who."""
    last = row.last_reminder  # type: ignore[attr-defined]  # annotated by _with_row_data
    if not last:
        return ""
    return "editors" if last["editors"] else "you" if last["to"] == user_pk else str(last["to"])


def _board_context(board: Dashboard, **extra: Any) -> dict[str, Any]:
    return {
        "board": board,
        # Counted only by the templates that show the counters ("show more" does not).
        "counts": SimpleLazyObject(lambda: board.counts),
        "count_cap": COUNT_CAP,
        "views": VIEWS,
        "today": board.today,
        "filter_form": DashboardFilters(initial=board.filters),
        "links": {name: board.query_string(view=name) for name in VIEWS},
        "all_link": board.query_string(who="all"),
        "base_query": board.query_string(q="", claimant="", outlet="", tag="", type=""),
        "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS,
        "row_forms": ROW_FORMS,
        "can_review": board.user.has_perm("claims.resolve_claim"),
        "dashboard_url": board.url(),
        "undo_seconds": UNDO_SECONDS,
        **extra,
    }


# The forms a dashboard row opens, fetched when opened: rendering all of them in every row
# made a page of 50 rows 250 KB and most of its rendering time.
ROW_FORMS = {"resolve": "Resolve", "snooze": "Snooze", "deadline": "Deadline moved"}


@role_required("claims.view_claim", "claims.resolve_claim")
@require_safe
def row_form(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One of a dashboard row's forms (`?form=resolve`), as the row showed the claim (its
    version), so a change made since is refused with 409 and the current state, not
    overwritten."""
    name = request.GET.get("form", "")
    if name not in ROW_FORMS:
        raise Http404
    claim = _get_claim(pk)
    if not request.htmx:
        return redirect(claim)
    board = Dashboard.from_query(request.GET, user=request.user, today=newsroom_today())
    try:
        version = int(request.GET.get("version", ""))
    except ValueError:
        version = claim.version
    context = {
        "row": claim,
        "name": name,
        "version": version,
        "today": board.today,
        "dashboard_url": board.url(),
        "form": ROW_FORM_CLASSES[name](
            auto_id=f"r{claim.pk}-%s",
            initial={"outcome_date": board.today, "due_date": claim.due_date},
        ),
    }
    return render(request, "claims/dashboard.html#row-form", context)


def _dashboard_row(
    request: HtmxHttpRequest, claim: Claim, *, status: int, **extra: Any
) -> HttpResponse:
    """An inline change on the dashboard: the row (gone if it left the list), and the
    counters and the screen-reader announcement out of band."""
    board = Dashboard.from_query(request.POST, user=request.user, today=newsroom_today())
    context = _board_context(board, claim=claim, **extra)
    # Counted now, not from the counters kept for the minute: this change must show.
    context["counts"] = SimpleLazyObject(board.count)
    if status != 200 or board.contains(claim):
        context["row"] = board.row(claim.pk)
    html = render_to_string("claims/dashboard.html#row-update", context, request=request)
    return HttpResponse(html, status=status)


# --- The claim page ---------------------------------------------------------------------


def add_service_error(form: Form, error: ValidationError, field: str | None = None) -> None:
    """A service's refusal on the form: on the fields it names that the form has, the rest
    (and a plain message) on `field`, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(field, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else field, errors)


@dataclass(frozen=True)
class Action:
    """A change a reviewer makes from the claim page or a dashboard row.

    Each form's fields are the service's keyword arguments, so one view serves them all.
    """

    form: type[Form]
    service: Callable[..., object]
    permission: str
    success: str


ACTIONS: dict[str, Action] = {
    "resolve": Action(
        ResolveForm, services.resolve_claim, "claims.resolve_claim", "Outcome recorded."
    ),
    "reopen": Action(ReopenForm, services.reopen_claim, "claims.resolve_claim", "Claim reopened."),
    "evidence": Action(
        EvidenceForm, services.add_evidence, "claims.add_evidence", "Evidence added."
    ),
    "deadline": Action(
        DeadlineForm, services.change_deadline, "claims.resolve_claim", "Deadline changed."
    ),
    "snooze": Action(
        SnoozeForm, services.snooze_claim, "claims.resolve_claim", "Reminders snoozed."
    ),
    "take": Action(TakeForm, services.take_claim, "claims.resolve_claim", "The claim is yours."),
    "assign": Action(AssignForm, services.assign_claim, "claims.assign_claim", "Assignee changed."),
    "publish": Action(
        PublishForm, services.publish_claim, "claims.change_claim", "Claim published."
    ),
    "unpublish": Action(
        PublishForm, services.unpublish_claim, "claims.change_claim", "Claim unpublished."
    ),
}


# How long a dashboard row says what was just done, with its Undo (static/js/app.js
# removes it; not while it is pointed at or focused).
UNDO_SECONDS = 10
UNDO_NOTE = "Undone on the dashboard"


@dataclass(frozen=True)
class Done:
    """What an inline change did, in words, and the change that undoes it, if a service
    offers one: its URL and the fields its form posts (with the claim's new version)."""

    message: str
    undo_url: str = ""
    undo_fields: dict[str, str] = field(default_factory=dict)


def _done(action: str, claim: Claim, before: Claim) -> Done:
    """What a row says after a change ("Marked not fulfilled: Trump and Putin will meet
    in Budapest"), and how to undo it.

    Undo goes through the services like any change, so it lands in the timeline: a
    resolution is reopened (reopen_claim), a moved deadline moved back (change_deadline).
    A snooze and a take have no service to undo them (no "unsnooze", and giving a claim
    back to whoever had it is an editor's assign), so they only say what happened.
    """
    statement = claim.statement
    if action == "resolve" and before.status == ClaimStatus.OPEN:
        return Done(
            f"Marked {claim.get_status_display().lower()}: {statement}",
            reverse("claims:reopen", args=[claim.pk]),
            {"note": UNDO_NOTE},
        )
    if action == "deadline":
        # The deadline form requires a due date, so a moved claim has one.
        assert claim.due_date is not None
        moved = f"Deadline moved to {date_format(claim.due_date, 'j M Y')}: {statement}"
        if before.due_date is None:
            return Done(moved)
        return Done(
            moved,
            reverse("claims:deadline", args=[claim.pk]),
            {
                "due_date": before.due_date.isoformat(),
                "earliest_date": before.earliest_date.isoformat() if before.earliest_date else "",
                "reason": UNDO_NOTE,
            },
        )
    if action == "snooze":
        assert claim.snoozed_until is not None  # the snooze form requires its date
        until = date_format(claim.snoozed_until, "j M Y")
        return Done(f"Reminders snoozed until {until}: {statement}")
    if action == "take":
        return Done(f"Assigned to you: {statement}")
    if action == "reopen":
        return Done(f"Reopened: {statement}")
    return Done(f"{ACTIONS[action].success} {statement}")


def _unseen_changes(claim: Claim, form: Form) -> list[ClaimEvent] | None:
    """The changes made since the version a form was opened at; None if it is current.

    Asked when a form is refused as invalid: a stale form must say first that the claim
    changed under it, not only what to correct."""
    try:
        seen = int(form.data.get("version", ""))
    except ValueError:
        return None
    if seen >= claim.version:
        return None
    return services.VersionConflict(claim, seen).changes_since()


def _as_of(form: Form, version: int) -> Form:
    """`form`, its errors kept, now carrying `version`: its user has been shown what
    changed since, so sending it again corrected is a decision, not an accident."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data["version"] = str(version)
    form.data = data
    return form


def _claim_context(
    claim: Claim, *, forms: dict[str, Form] | None = None, **extra: Any
) -> dict[str, Any]:
    initial = {"version": claim.version}
    # Several forms share a page: ids carry the action so each label finds its own field.
    action_forms = {
        name: action.form(initial=initial, auto_id=f"id_{name}_%s")
        for name, action in ACTIONS.items()
    }
    action_forms["resolve"].initial.update(
        status=claim.status if claim.is_resolved else "",
        reason_code=claim.reason_code,
        outcome_date=claim.outcome_date or newsroom_today(),
        public_note=claim.public_note,
    )
    action_forms["deadline"].initial.update(
        due_date=claim.due_date, earliest_date=claim.earliest_date
    )
    action_forms["assign"].initial.update(assignee=claim.assignee_id)
    action_forms.update(forms or {})
    mark = quote_mark(claim)
    events, older = timeline_page(claim)
    return {
        "claim": claim,
        "today": newsroom_today(),
        "forms": action_forms,
        "open_form": next(iter(forms or {}), ""),
        "quote_paragraphs": context_paragraphs(claim.article.body, mark) if mark else [],
        "evidence": claim.evidence.select_related("added_by"),
        "events": events,
        "older": older,
        "note_shown": TIMELINE_NOTE_SHOWN,
        "public_pages": settings.PUBLIC_PAGES,
        **extra,
    }


# The claim page shows the latest entries of the timeline and pages through the older ones
# (keyset on (created_at, id), newest first, as the index event_claim_timeline holds them):
# a claim with thousands of entries costs its page no more than one with fifty.
TIMELINE_PAGE = 50
# A timeline note longer than this shows its start and a link to all of it; the full text
# of a resolution note or an evidence note is on the page once, where it belongs.
TIMELINE_NOTE_SHOWN = 280


# The timeline, newest first (config.paging: the cursor format every list shares).
TIMELINE_ORDER = Keyset("created_at", dt.datetime, descending=True)


def timeline_page(
    claim: Claim, *, before: str = "", starting_at: ClaimEvent | None = None
) -> tuple[list[ClaimEvent], str]:
    """A page of the claim's timeline, newest first: the latest entries, those older than
    the cursor `before`, or those from `starting_at` on; and the next page's cursor."""
    events = claim.events.select_related("actor").order_by("-created_at", "-id")
    if starting_at is not None:
        # From that entry on, itself included: as if the last one shown were just above it.
        moment = starting_at.created_at.astimezone(dt.UTC).isoformat()
        before = f"{moment}_{starting_at.pk + 1}"
    position = TIMELINE_ORDER.after(before)
    if position is not None:
        events = events.filter(position)
    page, last = split_page(events[: TIMELINE_PAGE + 1], TIMELINE_PAGE)
    return page, TIMELINE_ORDER.cursor(last) if last is not None else ""


@role_required("claims.view_claim")
@require_safe
def claim_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim(pk)
    before = request.GET.get("before", "")
    full = request.GET.get("full", "")
    starting_at = None
    if full.isascii() and full.isdigit():
        starting_at = claim.events.filter(pk=int(full)).first()
    if request.htmx and before and not request.htmx.history_restore_request:
        # "Older entries": the next entries, appended to the timeline.
        events, older = timeline_page(claim, before=before)
        return render(
            request,
            "claims/claim_detail.html#timeline-entries",
            {"claim": claim, "events": events, "older": older, "note_shown": TIMELINE_NOTE_SHOWN},
        )
    context = _claim_context(claim)
    if before or starting_at:
        context["events"], context["older"] = timeline_page(
            claim, before=before, starting_at=starting_at
        )
        context["paged"] = True
        context["full_event"] = starting_at.pk if starting_at else None
    return render(request, "claims/claim_detail.html", context)


@require_POST
def claim_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    """Validate the action's form, call its service, and answer where it was asked.

    From the claim page, htmx gets the claim's live region (status, actions, evidence,
    timeline); from a dashboard row, the row and the counters. A plain form post is
    redirected back to the page it came from.
    """
    spec = ACTIONS[action]
    if not request.user.has_perms(["claims.view_claim", spec.permission]):
        raise PermissionDenied
    claim = _get_claim(pk)
    on_dashboard = request.POST.get("from") == "dashboard"
    form_class = ROW_FORM_CLASSES.get(action, spec.form) if on_dashboard else spec.form
    form = form_class(request.POST, auto_id=f"id_{action}_%s")
    # The form shown again with the answer: none after a success or a plain conflict.
    shown: Form | None = form
    status = 200
    extra: dict[str, Any] = {}
    before = copy.copy(claim)
    if form.is_valid():
        try:
            spec.service(claim=claim, by=request.user, **form.cleaned_data)
        except services.VersionConflict as conflict:
            claim = _get_claim(pk)
            status = 409
            extra = {"conflict": conflict.changes_since()}
            shown = None
        except ValidationError as error:
            add_service_error(form, error)
            # A claim someone else has conflicts with the request; the input was fine.
            status = 409 if isinstance(error, services.AssignedToSomeoneElse) else 422
        else:
            claim = _get_claim(pk)
            shown = None
            done = _done(action, claim, before) if on_dashboard else None
            if not request.htmx:
                messages.success(request, done.message if done else spec.success)
                back = request.POST.get("next", "")
                if on_dashboard and url_has_allowed_host_and_scheme(
                    back, allowed_hosts={request.get_host()}
                ):
                    return redirect(back)
                return redirect(claim)
            announcement = f"{done.message.rstrip('.')}." if done else spec.success
            extra = {"announcement": announcement, "done": done}
    else:
        status = 422
    if status == 422 and form and (changes := _unseen_changes(claim, form)) is not None:
        # Stale and invalid: the conflict first, with the current state, and the errors.
        status = 409
        extra = {"conflict": changes}
        shown = _as_of(form, claim.version)
    if on_dashboard and request.htmx:
        if shown is not None:
            extra["errors"] = shown
            if action in ROW_FORMS:
                extra["open_form"] = action
        return _dashboard_row(request, claim, status=status, **extra)
    context = _claim_context(claim, forms={action: shown} if shown else None, **extra)
    template = "claims/claim_detail.html"
    if request.htmx:
        template += "#claim-live"
    return render(request, template, context, status=status)


# --- Logging and editing claims --------------------------------------------------------


def _people() -> list[str]:
    return list(Person.objects.order_by("name").values_list("name", flat=True)[:500])


def _window_initial(window: Window | None, phrase: str) -> dict[str, Any]:
    """The window fields a proposal sets. A phrase that proposes no date ("before the
    election") clears them: dates of an earlier phrase are never left behind."""
    if window is None or window.due_date is None:
        return {
            "due_date": None,
            "earliest_date": None,
            "precision": "",
            "vague": bool(window and window.recognised and window.vague),
            "proposed_for": "",
        }
    return {
        "due_date": window.due_date,
        "earliest_date": window.earliest_date,
        "precision": window.precision or "",
        "vague": window.vague,
        "proposed_for": phrase,
    }


def _speech_day(article: Article, start: str | None, end: str | None) -> dt.date | None:
    """The day a stored suggestion with this quote span was said, when before the
    article's date ("Edit & log" passes the span, not the day)."""
    if not (start and end and start.isdigit() and end.isdigit()):
        return None
    return (
        Suggestion.objects.filter(
            article=article,
            quote_start=int(start),
            quote_end=int(end),
            reference_date__lt=article.published_date,
        )
        .values_list("reference_date", flat=True)
        .first()
    )


@role_required("claims.add_claim")
@require_http_methods(["GET", "HEAD", "POST"])
def claim_create(request: HtmxHttpRequest, article_pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=article_pk)
    if request.method == "POST":
        form = ClaimForm(request.POST, article_date=article.published_date)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = services.create_claim(
                    article=article,
                    by=request.user,
                    statement=data["statement"],
                    quote=data["quote"],
                    quote_start=data["quote_start"],
                    quote_end=data["quote_end"],
                    claimant=data["claimant"],
                    claim_type=data["claim_type"],
                    time_phrase=data["time_phrase"],
                    due_date=data["due_date"],
                    earliest_date=data["earliest_date"],
                    precision=data["precision"],
                    vague=data["vague"],
                    resolution_criteria=data["resolution_criteria"],
                    assignee=data["assignee"],
                    tags=data["tags"],
                )
            except ValidationError as error:
                add_service_error(form, error, field="quote")
            else:
                messages.success(request, "Claim logged.")
                return redirect(claim)
    else:
        quote = request.GET.get("quote", "").strip()
        start, end = request.GET.get("quote_start"), request.GET.get("quote_end")
        reference = reading_day(_speech_day(article, start, end), article.published_date)
        initial: dict[str, Any] = {
            "quote": quote,
            "quote_start": start,
            "quote_end": end,
            "statement": quote,
            "reference_date": reference if reference != article.published_date else None,
        }
        # The time expression in the quote, never the whole quote: stray words
        # ("...restore Sunday opening...") would decide the deadline.
        found = quote_time_phrase(quote[:QUOTE_MAX], reference) if quote else None
        if found is not None:
            initial["time_phrase"] = found.text
            initial.update(_window_initial(found.window, found.text))
        # "Edit & log" of a suggestion (claims.intake_views) passes its fields along.
        prefill = {k: v for k in PREFILL if (v := request.GET.get(k, "").strip())}
        initial.update(prefill)
        if prefill.get("due_date"):
            initial["proposed_for"] = prefill.get("time_phrase", "")
        form = ClaimForm(initial=initial, article_date=article.published_date)
    return _claim_form_page(request, form, article)


def _claim_form_page(
    request: HtmxHttpRequest,
    form: ClaimForm,
    article: Article,
    claim: Claim | None = None,
    **extra: Any,
) -> HttpResponse:
    """The claim form with the proposal for its time phrase, counted from its day."""
    reference = form.reference() if form.is_bound else _initial_reference(form)
    context = {
        "form": form,
        "article": article,
        "claim": claim,
        "people": _people(),
        **_proposal(form["time_phrase"].value() or "", reference, article.published_date),
        **extra,
    }
    return render(request, "claims/claim_form.html", context, status=422 if form.errors else 200)


def _initial_reference(form: ClaimForm) -> dt.date:
    value = form["reference_date"].value()
    return reading_day(value if isinstance(value, dt.date) else None, form.article_date)


PREFILL = (
    "statement",
    "claimant",
    "claim_type",
    "time_phrase",
    "earliest_date",
    "due_date",
    "precision",
    "vague",
)


@role_required("claims.change_claim")
@require_http_methods(["GET", "HEAD", "POST"])
def claim_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim(pk)
    article_date = claim.article.published_date
    if request.method == "POST":
        form = ClaimEditForm(request.POST, article_date=article_date)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.edit_claim(
                    claim=claim,
                    by=request.user,
                    version=data["version"],
                    tags=data["tags"],
                    statement=data["statement"],
                    claimant=data["claimant"],
                    claim_type=data["claim_type"],
                    time_phrase=data["time_phrase"],
                    earliest_date=data["earliest_date"],
                    due_date=data["due_date"],
                    precision=data["precision"],
                    vague=data["vague"],
                    resolution_criteria=data["resolution_criteria"],
                )
            except services.VersionConflict as conflict:
                claim = _get_claim(pk)
                fresh = ClaimEditForm(initial=_edit_initial(claim), article_date=article_date)
                response = _claim_form_page(
                    request, fresh, claim.article, claim, conflict=conflict.changes_since()
                )
                response.status_code = 409
                return response
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Claim saved.")
                return redirect(claim)
    else:
        form = ClaimEditForm(initial=_edit_initial(claim), article_date=article_date)
    return _claim_form_page(request, form, claim.article, claim)


def _edit_initial(claim: Claim) -> dict[str, Any]:
    initial = claim_initial(claim)
    if claim.quote_start is not None and claim.quote_end is not None:
        initial["reference_date"] = _speech_day(
            claim.article, str(claim.quote_start), str(claim.quote_end)
        )
    return initial


def _proposal(phrase: str, reference: dt.date, article_date: dt.date) -> dict[str, Any]:
    """The proposal for `phrase` and the day it counted from, for the window-proposal
    partial; no phrase, no proposal."""
    if not phrase.strip():
        return {"proposal": None}
    return {
        "proposal": resolve_time_phrase(phrase, reference),
        "phrase": " ".join(phrase.split()),
        "reading_note": reading_note(reference, article_date),
    }


@role_required("claims.add_claim")
@require_safe
def time_phrase_window(request: HtmxHttpRequest) -> HttpResponse:
    """The window a time phrase proposes, in words, and the date fields filled from it."""
    article_pk = request.GET.get("article", "")
    if not article_pk.isascii() or not article_pk.isdigit():
        raise Http404("No such article.")
    article = get_object_or_404(Article, pk=int(article_pk))
    phrase = request.GET.get("time_phrase", "")[:TIME_PHRASE_MAX]
    try:
        said = dt.date.fromisoformat(request.GET.get("reference_date", ""))
    except ValueError:
        said = None
    reference = reading_day(said, article.published_date)
    context = _proposal(phrase, reference, article.published_date)
    # Every answer sets the date fields, so what they show is this phrase's proposal, or
    # nothing when it proposes no date; never an earlier phrase's dates.
    window = context["proposal"]
    initial = _window_initial(window, phrase.strip())
    initial["reference_date"] = said if reference == said else None
    form = ClaimForm(initial=initial, article_date=article.published_date)
    return render(
        request,
        "claims/claim_form.html#window-proposal",
        {**context, "article": article, "form": form, "oob": True},
    )
