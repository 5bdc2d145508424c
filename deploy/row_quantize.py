#!/usr/bin/env python3
"""Batch-independent activation quantization for a quantize_dynamic (int8) ONNX model:
faqmatch_model.row_quantize (deploy/python); --help says how."""

import sys
from pathlib import Path

# The package's source in this checkout, ahead of any installed copy: the script runs from the checkout
# with only the dependencies installed (pip install -e 'deploy/python[...]' installs both).
sys.path.insert(0, str(Path(__file__).resolve().parent / "python" / "src"))

from faqmatch_model.row_quantize import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
