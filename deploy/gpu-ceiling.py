#!/usr/bin/env python3
"""GPU ceiling of the target architecture (docs/BENCHMARKS.md, "GPU"): faqmatch_model.gpu_ceiling
(deploy/python); --help for the options."""

import sys
from pathlib import Path

# The package's source in this checkout, ahead of any installed copy: the script runs from the checkout
# with only the dependencies installed (pip install -e 'deploy/python[...]' installs both).
sys.path.insert(0, str(Path(__file__).resolve().parent / "python" / "src"))

from faqmatch_model.gpu_ceiling import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
