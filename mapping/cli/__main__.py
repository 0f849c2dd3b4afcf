"""`python -m mapping.cli` runs the `pimap` command."""

import sys

from mapping.cli import main

sys.exit(main())
