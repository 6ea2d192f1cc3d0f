"""How every form renders: each field through one template, templates/includes/field.html
(label, input, help text, errors), whether a page writes {{ form.name.as_field_group }} or
{% include "includes/field.html" %}. Set as FORM_RENDERER in config/settings.py."""

from typing import Any

from django.db import models
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    # TemplatesSetting: the project's templates first (so includes/field.html is found),
    # then Django's widget templates through the "django.forms" app.
    field_template_name = "includes/field.html"


# For the admin's model forms: an address typed without a scheme is read as https, as the
# app's own forms read it (and as Django 6 will by default).
ADMIN_URL_FIELDS: dict[type[models.Field], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}
