#!/usr/bin/env python3
"""Fine-tunes a BERT sentence-embedding model for question matching and writes the project's model directory:
faqmatch_model.finetune_model (deploy/python); --help says how."""

import sys
from pathlib import Path

# The package's source in this checkout, ahead of any installed copy: the script runs from the checkout
# with only the dependencies installed (pip install -e 'deploy/python[...]' installs both).
sys.path.insert(0, str(Path(__file__).resolve().parent / "python" / "src"))

from faqmatch_model.finetune_model import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
