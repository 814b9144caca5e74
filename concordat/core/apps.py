from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "concordat.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .sessions import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="concordat.core.sessions.mark_signed_in")
