from django.core.management.base import BaseCommand

from claims.sweep import sweep_overdue


class Command(BaseCommand):
    help = (
        "Run the reminder sweep once in the foreground: record the reminders that are due "
        "and send the email digests, as claims.tasks.sweep_overdue does on Celery beat. "
        "If another sweep is running, say so and do nothing: that one does the work."
    )

    def handle(self, *args: object, **options: object) -> None:
        summary = sweep_overdue()
        self.stdout.write(str(summary))
        if summary.digests_failed:
            self.stderr.write(
                self.style.WARNING(
                    f"{summary.digests_failed} digest(s) could not be sent; "
                    "a later sweep retries them."
                )
            )
