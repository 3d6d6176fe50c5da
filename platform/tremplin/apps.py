from django.apps import AppConfig


class TremplinConfig(AppConfig):
    name = "tremplin"
    verbose_name = "Tremplin"
