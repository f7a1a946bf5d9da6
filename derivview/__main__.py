"""``python -m derivview``."""

import sys

from derivview.cli import main

sys.exit(main())
