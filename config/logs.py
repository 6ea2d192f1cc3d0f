import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """A 403 is an everyday answer (a reader opening an editor's page), not a fault: log it
    as the one line django.request writes, without the PermissionDenied traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
