"""``python -m api.cli …`` runs the ``volunteer-ledger`` command."""

import sys

from api.cli import main

sys.exit(main())
