from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The user's starting point across every area: the home page with today's work, the global
    search, and the demo data set that composes every app's own demo situations. It sits on top:
    it may import any app, no app imports it."""

    name = "paicha.workspace"
    label = "workspace"
    verbose_name = "工作台"
