from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "concordat.performance"
    label = "performance"
    verbose_name = "Performance"

    def ready(self) -> None:
        from . import jobs

        jobs.register()

        from . import report_permissions  # noqa: F401  (registers the reports' and workforce's permission rules)
        from .reports import audit
        from .reports.tabs import add_report_tabs

        audit.register()
        add_report_tabs()
