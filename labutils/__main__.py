"""``python -m labutils run | grade | manifest | repository``: the course tools' command line."""

import sys

from .course.cli import main

sys.exit(main())
