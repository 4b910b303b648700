from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "paicha.accounts"
    verbose_name = "用户与权限"
