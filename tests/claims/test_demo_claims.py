import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.importing import import_paths
from claims.models import Claim

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.django_db


def test_it_logs_the_seed_claims_once_with_their_windows(editor, reviewer) -> None:
    import_paths([ROOT / "seeds"])
    call_command("load_demo_claims", stdout=StringIO())
    out = StringIO()
    call_command("load_demo_claims", stdout=out)
    assert "logged 0, already there 4" in out.getvalue()
    claims = {c.time_phrase: c for c in Claim.objects.all()}
    assert claims["Friday"].due_date == dt.date(2025, 10, 17)
    assert (claims["next week"].earliest_date, claims["next week"].due_date) == (
        dt.date(2025, 10, 20),
        dt.date(2025, 10, 26),
    )
    assert claims["sometime during the next two weeks"].due_date == dt.date(2025, 10, 31)
    assert claims[""].due_date is None
    for claim in claims.values():
        assert claim.article.body[claim.quote_start : claim.quote_end] == claim.quote
        assert claim.claimant.name == "Donald Trump"
    assert claims["Friday"].assignee == reviewer
    assert Claim.objects.overdue(dt.date(2026, 1, 1)).count() == 3


def test_without_the_seed_article_it_says_so() -> None:
    out = StringIO()
    call_command("load_demo_claims", stdout=out)
    assert "not imported" in out.getvalue()
