"""``python -m derivview`` (also the entry script of the frozen bundle)."""

import multiprocessing
import sys

from derivview.cli import main

if __name__ == "__main__":
    # A frozen bundle starts the symbolic worker (a spawn child) through this script.
    multiprocessing.freeze_support()
    sys.exit(main())
