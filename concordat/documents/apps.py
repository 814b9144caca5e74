from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "concordat.documents"
    label = "documents"
    verbose_name = "Documents"
