#!/usr/bin/env python3
"""Exports a Hugging Face / sentence-transformers BERT model to the project's model directory:
faqmatch_model.export_model (deploy/python); --help says how."""

import sys
from pathlib import Path

# The package's source in this checkout, ahead of any installed copy: the script runs from the checkout
# with only the dependencies installed (pip install -e 'deploy/python[...]' installs both).
sys.path.insert(0, str(Path(__file__).resolve().parent / "python" / "src"))

from faqmatch_model.export_model import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
