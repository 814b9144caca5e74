from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "concordat.partnerships"
    label = "partnerships"
    verbose_name = "Partnership agreements"

    def ready(self) -> None:
        from . import audit, permissions  # noqa: F401  (registers audited models and permission rules)
