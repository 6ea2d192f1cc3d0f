import pytest
from django.contrib import admin
from django.test import RequestFactory

from articles.models import Article
from claims.models import Evidence

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Article, Evidence])
def test_the_admin_reads_an_address_without_a_scheme_as_https(model, admin_user) -> None:
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    form_class = admin.site._registry[model].get_form(request)
    field = form_class.base_fields["url"]
    assert field.clean("news.example/a") == "https://news.example/a"
