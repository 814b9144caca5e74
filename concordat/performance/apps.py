from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "concordat.performance"
    label = "performance"
    verbose_name = "Performance"

    def ready(self) -> None:
        # The permission modules register their rules on import.
        from . import jobs, permissions, pool_section, report_permissions, tabs  # noqa: F401
        from .reports import audit
        from .reports.tabs import add_report_tabs

        jobs.register()
        pool_section.register()
        tabs.add_tabs()
        audit.register()
        add_report_tabs()
