from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "concordat.performance"
    label = "performance"
    verbose_name = "Performance"
