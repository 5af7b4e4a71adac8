from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Exchanges")

    def ready(self):
        # Scheduled email workflows register themselves with ``@reminder_workflow`` when their
        # module is imported; each capability keeps its workflows in its own service module
        # and adds it here, so every process that runs the beat task knows all of them.
        from exchanges.services import predeparture, reminders  # noqa: F401, PLC0415
