from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    name = "concordat.treatment"
    label = "treatment"
    verbose_name = "Treatment record"

    def ready(self) -> None:
        from . import permissions, signals  # noqa: F401  (permission rules; the client key secret)
        from .records_tabs import add_tabs
        from .sharing_audit import register

        add_tabs()
        register()
