from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "concordat.demo"
    label = "demo"
    verbose_name = "Demo data"
