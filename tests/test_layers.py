"""The apps' layers point one way (STYLE.md, "Layout and app boundaries"): articles knows
nothing of claims, claims depends on articles, and api (the JSON API and its token pages)
depends on claims and articles, never the reverse. Read from the source, so an import
inside a function counts too."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each app's Python code must not import.
FORBIDDEN = {"articles": {"claims", "api"}, "claims": {"api"}}


def imported_apps(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every absolute import in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def wrong_way_imports(root: Path, app: str) -> list[str]:
    """ "file:line imports module" for each import of `app`'s under `root` that it must not make."""
    found = []
    for path in sorted((root / app).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in imported_apps(tree):
            if module.split(".")[0] in FORBIDDEN[app]:
                found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_imports_nothing_from_the_layers_above_it(app: str) -> None:
    found = wrong_way_imports(ROOT, app)
    assert found == [], f"{app} must not import {', '.join(sorted(FORBIDDEN[app]))}:\n" + (
        "\n".join(found)
    )


def test_the_check_names_the_file_and_line_of_a_wrong_way_import(tmp_path: Path) -> None:
    (tmp_path / "claims" / "sub").mkdir(parents=True)
    (tmp_path / "claims" / "sub" / "views.py").write_text(
        "from . import models\nimport apiary\n\n\ndef f():\n    from api.tokens import x\n"
    )
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "models.py").write_text("import claims.models as m\n")
    assert wrong_way_imports(tmp_path, "claims") == ["claims/sub/views.py:6 imports api.tokens"]
    assert wrong_way_imports(tmp_path, "articles") == ["articles/models.py:1 imports claims.models"]
