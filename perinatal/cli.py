"""The ``perinatal`` console script: the project's manage.py, plus its own commands.

Command names may be written with hyphens (``perinatal generate-demo-data``) or with
underscores (``perinatal generate_demo_data``, Django's module name).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perinatal.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
