from typing import Any

from django import forms
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db.models import Model

from . import roles, services
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
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def limited(field: forms.CharField, name: str) -> forms.CharField:
    """`field` with its max_length said in words: "Keep the note to 5,000 characters or
    fewer (it has 2,400,000)." The browser's maxlength attribute stays."""
    assert field.max_length is not None, "a limited field has a max_length"
    field.validators = [v for v in field.validators if getattr(v, "code", "") != "max_length"] + [
        TextLimit(field.max_length, name)
    ]
    return field


def check_window(form: forms.Form, *, due_field: str = "due_date") -> None:
    """The claim's window rule (services.check_window), its errors on the form's fields."""
    data = form.cleaned_data
    try:
        services.check_window(
            due_date=data.get(due_field),
            earliest_date=data.get("earliest_date"),
            due_field=due_field,
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, AssigneeField)
        assignee.queryset = roles.assignable_users()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        check_window(self)
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
    }
