"""How every form renders: each field through one template, templates/includes/field.html
(label, input, help text, errors), whether a page writes {{ form.name.as_field_group }} or
{% include "includes/field.html" %}. Set as FORM_RENDERER in config/settings.py."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    # TemplatesSetting: the project's templates first (so includes/field.html is found),
    # then Django's widget templates through the "django.forms" app.
    field_template_name = "includes/field.html"
