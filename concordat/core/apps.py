from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "concordat.core"
    label = "core"
    verbose_name = "Core"
