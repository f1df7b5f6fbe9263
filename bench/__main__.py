"""``python -m bench``: the benchmark command (see ``bench.command``)."""

import sys

from bench.command import main

sys.exit(main())
