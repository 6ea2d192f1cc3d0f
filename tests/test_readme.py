"""The README stands on its own: it is what a fresh clone has."""

import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_the_readme_points_at_nothing_outside_the_repository() -> None:
    paths = re.findall(r"`([^`\s]+)`", README) + re.findall(r"\]\(([^)\s]+)\)", README)
    outside = [p for p in paths if p.startswith(("../", "/work/", "~/")) or "/../" in p]
    assert outside == []


def test_the_accounts_settings_are_in_the_configuration_table() -> None:
    table = README.split("## Configuration", 1)[1]
    for name in ["TRUSTED_PROXIES", "SESSION_IDLE_MINUTES", "AXES_FAILURE_LIMIT"]:
        assert f"| `{name}`" in table or f"`{name}`," in table, name
