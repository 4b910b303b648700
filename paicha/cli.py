"""The `paicha` command: Django's management command line with paicha's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paicha.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["paicha", *sys.argv[1:]])


if __name__ == "__main__":
    main()
