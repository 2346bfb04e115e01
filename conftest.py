"""Test-wide settings; at the root so they also reach nbval's notebook kernels.

The test process draws with Agg; kernels keep their inline backend (no MPLBACKEND
exported), so executed notebooks hold their figures as a student's do.

Tests always use the smoke profile, keep their artifacts out of the checkout's
artifacts/ folder, and give kernels an absolute data path.
"""

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

os.environ.setdefault("LABUTILS_PROFILE", "smoke")
if "LABUTILS_ARTIFACTS_DIR" not in os.environ:
    os.environ["LABUTILS_ARTIFACTS_DIR"] = tempfile.mkdtemp(prefix="labutils-test-artifacts-")
if os.environ.get("LABUTILS_DATA_DIR"):
    os.environ["LABUTILS_DATA_DIR"] = str(Path(os.environ["LABUTILS_DATA_DIR"]).resolve())
