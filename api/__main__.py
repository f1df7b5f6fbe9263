"""``python -m api`` serves the API, as ``volunteer-ledger serve`` does."""

import sys

from api.cli import main

sys.exit(main(["serve", *sys.argv[1:]]))
