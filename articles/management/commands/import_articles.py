from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError

from articles.importing import ImportSummary, import_paths


class Command(BaseCommand):
    help = (
        "Import articles from seed-format text files (first line 'date YYYY-MM-DD <dek>', "
        "a blank line, then the body) and saved HTML pages. Folders are read recursively. "
        "Importing the same article again changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )

    def handle(self, *args: Any, paths: list[Path], no_progress: bool, **options: Any) -> None:
        summary = import_paths(
            paths,
            progress=not no_progress,
            # The bar redraws its line with "\r"; OutputWrapper would end every redraw with
            # a newline, so the bar gets the stream underneath.
            # (OutputWrapper._out is typed as its write method; it is the stream.)
            progress_file=cast(TextIO, self.stderr._out),
        )
        for name, reason in summary.failed:
            self.stderr.write(f"{name}: {reason}")
        self.stdout.write(summary_line(summary))
        if summary.failed:
            count = len(summary.failed)
            raise CommandError(
                f"{count} of {summary.total} file{'s' if summary.total != 1 else ''} could not be imported."
            )


def summary_line(summary: ImportSummary) -> str:
    parts = [f"Imported {len(summary.imported)}"]
    if summary.updated:
        parts.append(f"updated {len(summary.updated)}")
    unchanged = f"unchanged {len(summary.unchanged)}"
    if summary.unchanged and summary.total == len(summary.unchanged):
        unchanged += " (already imported)"
    parts.append(unchanged)
    parts.append(f"failed {len(summary.failed)}")
    return ", ".join(parts) + "."
