from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    name = "concordat.treatment"
    label = "treatment"
    verbose_name = "Treatment record"

    def ready(self) -> None:
        from concordat.core.navigation import add_tab

        from . import permissions, signals  # noqa: F401  (permission rules; the client key secret)

        add_tab(
            "treatment:submissions",
            "Treatment submissions",
            permission="treatment.view_submissions",
            order=60,
            sections=("treatment:submit", "treatment:submission"),
        )

        from .records_tabs import add_tabs
        from .sharing_audit import register

        add_tabs()
        register()

        from . import jobs

        jobs.register()
