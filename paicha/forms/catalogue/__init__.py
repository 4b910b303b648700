"""Every official form, declared once. Importing this package registers them all."""

from . import registration, roster  # noqa: F401
