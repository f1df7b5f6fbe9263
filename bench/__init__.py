"""The benchmark: ``volunteer-ledger bench`` or ``python -m bench`` (see docs/benchmarks.md).

Not part of the service: nothing in ``api``, ``projections`` or ``domain`` imports it, and the
``bench`` subcommand loads it only when run.
"""
