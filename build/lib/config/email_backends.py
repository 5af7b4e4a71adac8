"""Email backends for the embedded default: show each message and keep a copy on disk."""

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class ConsoleAndFileBackend(BaseEmailBackend):
    """Write each message to standard output and to a file under ``EMAIL_FILE_PATH``.

    A developer sees mail as it is sent and can still open it later from ``var/mail``.
    """

    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently)
        self.console = ConsoleBackend(fail_silently=fail_silently, **kwargs)
        self.file = FileBackend(fail_silently=fail_silently, **kwargs)

    def send_messages(self, email_messages) -> int:
        self.console.send_messages(email_messages)
        sent = self.file.send_messages(email_messages)
        # The file backend keeps one file open per connection; a fresh one per batch makes
        # each message easy to find.
        self.file.close()
        return sent
