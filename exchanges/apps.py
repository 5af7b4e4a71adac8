from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Exchanges")

    def ready(self):
        from config.lookups import register  # noqa: PLC0415 -- app registry: models are loaded

        register()
        # Scheduled email workflows register themselves with ``@reminder_workflow`` when their
        # module is imported; each capability keeps its workflows in its own service module
        # and adds it here, so every process that runs the beat task knows all of them.
        from exchanges.services import (  # noqa: PLC0415 -- app registry: workflows register on import
            offers,  # noqa: F401
            predeparture,  # noqa: F401
            reminders,  # noqa: F401
            reviews,  # noqa: F401
            surveys,  # noqa: F401
        )
