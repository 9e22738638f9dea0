"""`python -m flows.cli`: the same as the `agenda2030` command."""

import sys

from flows.cli import main

sys.exit(main())
