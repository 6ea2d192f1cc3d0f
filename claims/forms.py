import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import QueryDict

from . import roles, services, webhooks
from .models import (
    CRITERIA_MAX,
    NAME_MAX,
    NOTE_MAX,
    QUOTE_MAX,
    REASON_MAX,
    STATEMENT_MAX,
    TAGS_MAX,
    TIME_PHRASE_MAX,
    TITLE_MAX,
    URL_MAX,
    Claim,
    ClaimStatus,
    ClaimType,
    Precision,
    ReasonCode,
    TextLimit,
    WebhookFormat,
)
from .timephrases import resolve_time_phrase

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def limited(field: forms.CharField, name: str) -> forms.CharField:
    """`field` with its max_length said in words: "Keep the note to 5,000 characters or
    fewer (it has 2,400,000)." The browser's maxlength attribute stays."""
    assert field.max_length is not None, "a limited field has a max_length"
    field.validators = [v for v in field.validators if getattr(v, "code", "") != "max_length"] + [
        TextLimit(field.max_length, name)
    ]
    return field


def check_window(
    form: forms.Form, *, due_field: str = "due_date", article_date: dt.date | None = None
) -> None:
    """The claim's window rule (services.check_window), its errors on the form's fields."""
    data = form.cleaned_data
    try:
        services.check_window(
            due_date=data.get(due_field),
            earliest_date=data.get("earliest_date"),
            due_field=due_field,
            article_date=article_date,
        )
    except ValidationError as error:
        for name, errors in error.message_dict.items():
            if name in form.fields and not form.has_error(name):
                form.add_error(name, errors)


class AssigneeField(forms.ModelChoiceField):
    def label_from_instance(self, user: Model) -> str:
        assert isinstance(user, AbstractUser)
        full = user.get_full_name()
        return f"{full} ({user.get_username()})" if full else user.get_username()


class VersionedForm(forms.Form):
    """Every change carries the version the user saw, so stale changes are refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ClaimForm(forms.Form):
    quote = limited(
        forms.CharField(
            required=False,
            max_length=QUOTE_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Exactly as in the article. Select it in the text, or type it.",
        ),
        "quote",
    )
    quote_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    quote_end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    statement = limited(
        forms.CharField(
            max_length=STATEMENT_MAX,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="A checkable sentence: “Trump and Putin will meet in Budapest”.",
        ),
        "statement",
    )
    claimant = limited(
        forms.CharField(
            max_length=NAME_MAX,
            required=False,
            help_text="Pick a known person (names and aliases match) or type a new name.",
            widget=forms.TextInput(attrs={"list": "people", "autocomplete": "off"}),
        ),
        "claimant's name",
    )
    claim_type = forms.ChoiceField(choices=ClaimType.choices, initial=ClaimType.PREDICTION)
    time_phrase = limited(
        forms.CharField(
            max_length=TIME_PHRASE_MAX,
            required=False,
            help_text="As written: “within the next two weeks”. The window is proposed from it.",
        ),
        "time phrase",
    )
    earliest_date = forms.DateField(required=False, widget=DATE)
    due_date = forms.DateField(
        required=False, widget=DATE, help_text="The last day it allows. Empty: no deadline."
    )
    precision = forms.ChoiceField(choices=[("", "—"), *Precision.choices], required=False)
    vague = forms.BooleanField(required=False, label="The time phrase is vague")
    resolution_criteria = limited(
        forms.CharField(
            required=False,
            max_length=CRITERIA_MAX,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="What counts as fulfilled.",
        ),
        "resolution criteria",
    )
    assignee = AssigneeField(queryset=None, required=False, empty_label="Nobody yet")
    tags = limited(
        forms.CharField(required=False, max_length=TAGS_MAX, help_text="Comma-separated."),
        "tags",
    )
    # The phrase the dates on the form were proposed for (the window swap keeps it in step).
    # With it the server sees dates left over from an earlier phrase, also without htmx.
    proposed_for = forms.CharField(
        required=False, max_length=TIME_PHRASE_MAX, widget=forms.HiddenInput
    )
    # The day the phrase is read from when a suggestion's quote was said before the
    # article's date (claims.suggestions, speech time); empty: the article's date.
    reference_date = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, article_date: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.article_date = article_date
        assignee = self.fields["assignee"]
        assert isinstance(assignee, AssigneeField)
        assignee.queryset = roles.assignable_users()

    def reference(self) -> dt.date:
        """The day the time phrase counts from: a speech day up to a year before the
        article's date, else the article's date (a tampered value changes nothing)."""
        value = self.cleaned_data.get("reference_date") if hasattr(self, "cleaned_data") else None
        return reading_day(value, self.article_date)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        check_window(self, article_date=self.article_date)
        if not self.has_error("due_date") and not self.has_error("earliest_date"):
            self._refuse_stale_proposal()
        if (
            data.get("claim_type") == ClaimType.PREDICTION
            and not data.get("due_date")
            and not data.get("vague")
            and not self.has_error("due_date")
        ):
            self.add_error(
                "due_date", "A prediction needs a due date, unless its time phrase is vague."
            )
        return data

    def _refuse_stale_proposal(self) -> None:
        """Refuse dates proposed for an earlier time phrase, kept unchanged after the phrase
        changed to one that proposes other dates or none ("before the election")."""
        data = self.cleaned_data
        old_phrase = " ".join(data.get("proposed_for", "").split())
        phrase = " ".join(data.get("time_phrase", "").split())
        if not old_phrase or old_phrase.casefold() == phrase.casefold():
            return
        reference = self.reference()
        old = resolve_time_phrase(old_phrase, reference)
        dates = (data.get("due_date"), data.get("earliest_date"))
        if old.due_date is None or dates != (old.due_date, old.earliest_date):
            return  # the editor's own dates, or no dates at all
        new = resolve_time_phrase(phrase, reference) if phrase else None
        if new is not None and (new.due_date, new.earliest_date) == dates:
            return
        if new is None:
            now = "the time phrase is now empty"
        elif new.due_date is None:
            now = f"no date found in “{phrase}”"
        else:
            now = f"“{phrase}” proposes {new.description}"
        self.add_error(
            "due_date",
            f"These dates were proposed for “{old_phrase}”, but {now}. Enter the dates "
            "yourself, or leave them empty for a claim with no deadline; save again to "
            "keep them as they are.",
        )
        # Saving again keeps the dates: the editor has now seen they are the old ones.
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("proposed_for")] = phrase
        self.data = data


def reading_day(value: dt.date | None, article_date: dt.date) -> dt.date:
    """The day a time phrase is read from: `value` (a speech day) when it is up to a year
    before the article's date, else the article's date."""
    if value is not None and article_date - dt.timedelta(days=366) <= value <= article_date:
        return value
    return article_date


def reading_note(reference: dt.date, article_date: dt.date) -> str:
    """Which day a proposal counted from, in words."""
    if reference == article_date:
        return f"counted from the article's date, {reference:%a %-d %b %Y}"
    return f"counted from {reference:%a %-d %b %Y}, when it was said"


class ClaimEditForm(ClaimForm):
    """Editing a logged claim: the quote stays; the timeline keeps the rest."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("quote", "quote_start", "quote_end", "assignee"):
            del self.fields[name]


OUTCOMES = [(value, label) for value, label in ClaimStatus.choices if value != ClaimStatus.OPEN]


class ResolveForm(VersionedForm):
    # No outcome chosen in advance: a reviewer who presses the button without choosing is
    # asked to choose, rather than recording "fulfilled" by accident.
    status = forms.ChoiceField(choices=[("", "Choose an outcome"), *OUTCOMES], label="Outcome")
    reason_code = forms.ChoiceField(
        choices=[("", "—"), *ReasonCode.choices], required=False, label="Reason (if not fulfilled)"
    )
    outcome_date = forms.DateField(
        required=False, widget=DATE, help_text="When it happened or became known."
    )
    note = limited(
        forms.CharField(
            required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
        ),
        "note",
    )
    evidence_url = limited(
        forms.URLField(
            required=False,
            label="Evidence link",
            assume_scheme="https",
            max_length=URL_MAX,
            widget=forms.URLInput(attrs={"placeholder": "https://"}),
        ),
        "link",
    )
    evidence_title = limited(
        forms.CharField(required=False, max_length=TITLE_MAX, label="Evidence title"),
        "title",
    )
    # What the public reads with the verdict on the claim's public page (README, "Public
    # pages"); the note above stays internal.
    public_note = limited(
        forms.CharField(
            required=False,
            max_length=NOTE_MAX,
            label="Public note",
            help_text="Shown to the public with the verdict once the claim is published.",
            widget=forms.Textarea(attrs={"rows": 2}),
        ),
        "public note",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("status") == ClaimStatus.NOT_FULFILLED and not data.get("reason_code"):
            self.add_error("reason_code", "Say why it was not fulfilled.")
        return data


class RowResolveForm(ResolveForm):
    """The resolve form as a dashboard row shows it: the note on one line, as the row's
    other fields (templates/claims/dashboard.html, row-form)."""

    note = limited(forms.CharField(required=False, max_length=NOTE_MAX), "note")
    # Not on a row: a row's resolution keeps the public note the claim has.
    public_note = None  # type: ignore[assignment]


class ReopenForm(VersionedForm):
    note = limited(
        forms.CharField(required=False, max_length=REASON_MAX, label="Why reopen?"), "reason"
    )


class EvidenceForm(VersionedForm):
    url = limited(
        forms.URLField(required=False, label="Link", assume_scheme="https", max_length=URL_MAX),
        "link",
    )
    title = limited(forms.CharField(required=False, max_length=TITLE_MAX), "title")
    note = limited(
        forms.CharField(
            required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
        ),
        "note",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("url") and not data.get("note") and not self.errors:
            raise forms.ValidationError("Give a link or a note.")
        return data


class DeadlineForm(VersionedForm):
    due_date = forms.DateField(widget=DATE, label="New due date")
    earliest_date = forms.DateField(required=False, widget=DATE)
    reason = limited(
        forms.CharField(
            max_length=REASON_MAX,
            help_text="Who moved it and why: “postponed by the White House”.",
        ),
        "reason",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # The article's date floor is services.change_deadline's, reported on due_date.
        check_window(self)
        return data


class SnoozeForm(VersionedForm):
    until = forms.DateField(widget=DATE, label="Remind me again on")
    reason = limited(
        forms.CharField(
            max_length=REASON_MAX, required=False, help_text="“Check again after the summit.”"
        ),
        "reason",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        check_window(self, due_field="until")
        return data


class AssignForm(VersionedForm):
    assignee = AssigneeField(queryset=None, required=False, empty_label="Nobody")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, AssigneeField)
        assignee.queryset = roles.assignable_users()


class TakeForm(VersionedForm):
    pass


class PublishForm(VersionedForm):
    pass


# The forms a dashboard row opens, by action (claims.views.ROW_FORMS names them).
ROW_FORM_CLASSES: dict[str, type[VersionedForm]] = {
    "resolve": RowResolveForm,
    "snooze": SnoozeForm,
    "deadline": DeadlineForm,
}


def claim_initial(claim: Claim) -> dict:
    return {
        "statement": claim.statement,
        "claimant": claim.claimant.name if claim.claimant else "",
        "claim_type": claim.claim_type,
        "time_phrase": claim.time_phrase,
        "earliest_date": claim.earliest_date,
        "due_date": claim.due_date,
        "precision": claim.precision,
        "vague": claim.vague,
        "resolution_criteria": claim.resolution_criteria,
        "tags": ", ".join(t.name for t in claim.tags.all()),
        "version": claim.version,
        "proposed_for": claim.time_phrase,
    }


class WebhookEndpointForm(forms.Form):
    """An editor's webhook endpoint (claims.webhooks): where, which events, which format."""

    name = limited(forms.CharField(max_length=100, required=False), "name")
    url = forms.URLField(
        label="Address",
        max_length=URL_MAX,
        assume_scheme="https",
        help_text="Where the events are posted. A Slack incoming-webhook address works too.",
    )
    events = forms.MultipleChoiceField(
        choices=[(kind.value, kind.label) for kind in webhooks.SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    format = forms.ChoiceField(
        choices=WebhookFormat.choices,
        initial=WebhookFormat.JSON,
        widget=forms.RadioSelect,
        help_text="Slack: a message with the claim's link, for a Slack incoming webhook.",
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        webhooks.check_url(url)
        return url
