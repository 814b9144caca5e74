from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "concordat.performance"
    label = "performance"
    verbose_name = "Performance"

    def ready(self) -> None:
        from . import jobs, permissions, tabs  # noqa: F401  (permissions: the rules register on import)

        jobs.register()
        tabs.add_tabs()
