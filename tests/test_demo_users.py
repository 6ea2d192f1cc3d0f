from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def passwords(output: str) -> dict[str, str]:
    rows = [line.split() for line in output.splitlines() if line.startswith("  ")]
    return {row[0]: row[1] for row in rows if len(row) == 2}


def test_it_creates_each_role_with_a_random_password_printed_once() -> None:
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    printed = passwords(out.getvalue())
    assert set(printed) == {"admin", "editor", "reviewer", "reader"}
    assert len(set(printed.values())) == 4
    for username, password in printed.items():
        assert (
            authenticate(
                RequestFactory().post("/accounts/login/"), username=username, password=password
            )
            is not None
        )
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="editor").groups.filter(name="Editors").exists()
    assert User.objects.get(username="reviewer").groups.filter(name="Reviewers").exists()
    assert User.objects.get(username="reader").groups.filter(name="Readers").exists()


def test_a_second_run_keeps_the_passwords_and_says_so() -> None:
    first = StringIO()
    call_command("create_demo_users", stdout=first)
    second = StringIO()
    call_command("create_demo_users", stdout=second)
    assert passwords(second.getvalue()) == {}
    assert "exists; password unchanged" in second.getvalue()
    for username, password in passwords(first.getvalue()).items():
        assert (
            authenticate(
                RequestFactory().post("/accounts/login/"), username=username, password=password
            )
            is not None
        )
