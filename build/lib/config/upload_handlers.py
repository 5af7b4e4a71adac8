"""Upload handling that stops storing a file as soon as it passes the size limit.

Django's default handlers keep a whole upload (in memory or a temporary file) before any form
sees it. ``SizeLimitedUploadHandler`` runs first: while a file stays under
``MAX_UPLOAD_MB`` it passes every chunk on; past the limit it drops the rest (nothing more is
stored, the remaining bytes are only read off the connection) and hands the form an
``OversizedUpload`` that has the name and the size seen, and no content. Validation then
refuses it with the usual "larger than N MB" message, and the other fields of the same request
are saved as usual. A request whose declared length is far beyond the limit is not read at all.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """A refused upload: its name and the number of bytes received before it was cut off."""

    def __init__(self, name: str, size: int, content_type: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)

    def open(self, mode=None):
        raise ValueError("An oversized upload has no content.")

    def read(self, *args, **kwargs) -> bytes:
        return b""

    def seek(self, *args, **kwargs) -> int:
        return 0

    def chunks(self, chunk_size=None):
        return iter(())


def _limit() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


class SizeLimitedUploadHandler(FileUploadHandler):
    # Besides the files, a form's fields and the multipart framing: a request declaring more
    # than this many times the file limit cannot be an honest upload and is refused unread.
    REQUEST_FACTOR = 4

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.REQUEST_FACTOR * _limit() + 1024 * 1024:
            raise RequestDataTooBig("The request body is far larger than any accepted upload.")

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > _limit():
            self.oversized = True
        # None stops the chunk here: the handlers after this one store nothing more.
        return None if self.oversized else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.oversized:
            return None
        return OversizedUpload(self.file_name, self.received, self.content_type)
