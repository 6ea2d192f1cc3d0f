from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from .models import Article, Outlet
from .parsing import DEK_MAX, OUTLET_NAME_MAX, URL_MAX, ArticleImportError, check_body
from .uploads import size_text, too_large_message


class ArticleFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    outlet = forms.ModelChoiceField(Outlet.objects.all(), required=False, empty_label="All outlets")
    published_from = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    published_to = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ArticleForm(forms.ModelForm):
    """Pasted text, or corrections to an imported article."""

    url = forms.URLField(label="URL", required=False, max_length=URL_MAX, assume_scheme="https")
    outlet_name = forms.CharField(
        label="Outlet",
        required=False,
        max_length=OUTLET_NAME_MAX,
        help_text="e.g. The Washington Times.",
    )
    # A TextField in the database; the limit is the importer's.
    dek = forms.CharField(
        label="Summary (dek)",
        required=False,
        max_length=DEK_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Article
        fields = ["title", "dek", "url", "published_date", "authors", "language", "body"]
        labels = {"url": "URL", "published_date": "Published on"}
        widgets = {
            "published_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "body": forms.Textarea(attrs={"rows": 16}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.outlet:
            self.fields["outlet_name"].initial = self.instance.outlet.name
        # Every limit shown up front, not only in the error after a refused save.
        self.fields["body"].help_text = f"Up to {settings.ARTICLE_MAX_BODY_CHARS:,} characters."
        for field in self.fields.values():
            max_length = getattr(field, "max_length", None)
            if max_length:
                field.help_text = " ".join(
                    filter(None, [str(field.help_text), f"Up to {max_length:,} characters."])
                )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        try:
            # The same rules, in the same words, as the importer.
            check_body(body)
        except ArticleImportError as error:
            raise forms.ValidationError(f"The text cannot be used: {error}.") from None
        return body


class ArticleUploadForm(forms.Form):
    file = forms.FileField()

    def __init__(self, *args: Any, refused: str | None = None, **kwargs: Any) -> None:
        """``refused``: the message for a file refused before it was read (too large)."""
        super().__init__(*args, **kwargs)
        self.refused = refused
        if refused:
            # The field is empty because the file was refused, not because none was sent.
            self.fields["file"].required = False
        self.fields["file"].help_text = (
            "A seed-format text file (first line “date YYYY-MM-DD …”) or a saved HTML page, "
            f"up to {size_text(settings.ARTICLE_MAX_UPLOAD_BYTES)}."
        )

    def clean_file(self) -> UploadedFile:
        if self.refused:
            raise forms.ValidationError(self.refused)
        file = self.cleaned_data["file"]
        if file.size > settings.ARTICLE_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message(name=file.name, size=file.size))
        return file
