"""``python -m labutils.grade PATH...``: the grader's old command, kept so teachers' scripts keep working.

Like ``__main__.py``, a command entry point and not plumbing for notebooks: the grader itself is
:mod:`labutils.course.grade` (``python -P -m labutils grade PATH...``).
"""

if __name__ == "__main__":
    import sys

    from .course.grade.cli import main

    sys.exit(main())
