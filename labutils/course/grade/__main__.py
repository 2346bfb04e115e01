"""``python -m labutils.course.grade PATH...``: the same as ``python -m labutils grade PATH...``."""

import sys

from .cli import main

sys.exit(main())
