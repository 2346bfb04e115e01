"""The course tools around the notebooks: running them (:mod:`.runner`), grading hand-ins (:mod:`.grade`), the
grader's fingerprints of the lesson (:mod:`.manifest`), the Colab badges and install lines (:mod:`.repository`),
the list of the lab's notebooks (:mod:`.catalogue`) and one command line for all of them (:mod:`.cli`).

Notebook cells never import from here: what they use is in :mod:`labutils` itself, and nothing there imports
this package (``tests/test_layout.py``).
"""
