from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "concordat.performance"
    label = "performance"
    verbose_name = "Performance"

    def ready(self) -> None:
        from . import jobs

        jobs.register()
