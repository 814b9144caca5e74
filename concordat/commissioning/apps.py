from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "concordat.commissioning"
    label = "commissioning"
    verbose_name = "Commissioning"

    def ready(self) -> None:
        from . import audit, permissions  # noqa: F401  (registers audited models and permission rules)
