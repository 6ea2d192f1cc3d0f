import pytest
from django.contrib.auth.models import Permission

from claims import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_whoever_may_resolve_claims_can_be_assigned_and_nobody_else() -> None:
    UserFactory(username="reader", groups=[roles.READERS])
    UserFactory(username="rev", groups=[roles.REVIEWERS])
    UserFactory(username="ed", groups=[roles.EDITORS, roles.REVIEWERS])
    UserFactory(username="gone", groups=[roles.REVIEWERS], is_active=False)
    UserFactory(username="root", is_superuser=True)
    direct = UserFactory(username="direct")
    direct.user_permissions.add(Permission.objects.get(codename="resolve_claim"))
    assert [u.username for u in roles.assignable_users()] == ["direct", "ed", "rev"]


def test_the_active_editors_are_those_who_may_assign_claims() -> None:
    UserFactory(username="rev", groups=[roles.REVIEWERS])
    first = UserFactory(username="ed1", groups=[roles.EDITORS])
    UserFactory(username="gone", groups=[roles.EDITORS], is_active=False)
    second = UserFactory(username="ed2", groups=[roles.EDITORS, roles.REVIEWERS])
    assert list(roles.active_editors()) == [first, second]
