"""Receiving an uploaded article file without ever holding more of it than the limit."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

# Room for the form's other fields and the multipart boundaries around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def size_text(size: int) -> str:
    """A byte count as people read it: "5 MB", "5.6 MB", "300 KB"."""
    if size < 2**20:
        return f"{max(size / 2**10, 1):,.0f} KB"
    return f"{size / 2**20:,.1f}".removesuffix(".0") + " MB"


def too_large_message(*, name: str = "", size: int | None = None) -> str:
    """Why a file was refused, naming the limit; ``size`` when it is known."""
    limit = size_text(settings.ARTICLE_MAX_UPLOAD_BYTES)
    what = name or "The upload"
    if size is None:
        return f"{what} is larger than {limit}, the largest file accepted."
    return f"{what} is {size_text(size)}; the largest file accepted is {limit}."


def declared_size(request: HttpRequest) -> int:
    """The request body's size as the client announced it (0 when it did not)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class ArticleUploadHandler(FileUploadHandler):
    """Keeps an upload in memory up to ARTICLE_MAX_UPLOAD_BYTES and drops a larger one.

    Django's default handlers stream a file past 2.5 MB to a temporary file, whatever its
    size, and a worker killed meanwhile leaves that file behind. Here nothing reaches the
    disk, and no more than the limit is ever held: a file growing past it is skipped (the
    rest of it is read and thrown away) and named in ``refused``, for the form to report.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = settings.ARTICLE_MAX_UPLOAD_BYTES
        self.received = 0  # over every file in the request, so many small files add up
        self.refused: dict[str, str] = {}  # field name -> name of the file refused
        self.file = io.BytesIO()

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict[str, bytes] | None = None,
    ) -> None:
        super().new_file(
            field_name, file_name, content_type, content_length, charset, content_type_extra
        )
        self.file = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.refused[self.field_name] = self.file_name or ""
            raise SkipFile
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.field_name in self.refused:
            return None
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
