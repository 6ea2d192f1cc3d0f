from django import forms

from api.models import NAME_MAX


class ApiTokenForm(forms.Form):
    """A new personal API token (api.tokens), on the settings page."""

    name = forms.CharField(
        max_length=NAME_MAX,
        help_text="What uses it: “CMS sync”, “Newsroom chat bot”.",
    )
    access = forms.ChoiceField(
        choices=[("read", "Read only"), ("write", "Read and write")],
        initial="read",
        widget=forms.RadioSelect,
        help_text="Either way it can do no more than your role allows.",
    )
