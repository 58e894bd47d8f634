#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # The web server and the worker refuse to start without SECRET_KEY; a
    # management command is refused only if it uses the key (see settings).
    os.environ.setdefault("PORTAL_MANAGEMENT_COMMAND", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
