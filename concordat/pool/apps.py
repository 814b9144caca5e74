from django.apps import AppConfig


class PoolConfig(AppConfig):
    name = "concordat.pool"
    label = "pool"
    verbose_name = "Pooled fund"

    def ready(self) -> None:
        from . import audit, permissions  # noqa: F401  (registers audited models and permission rules)
        from .tabs import add_pool_tabs

        add_pool_tabs()

        from . import jobs

        jobs.register()
