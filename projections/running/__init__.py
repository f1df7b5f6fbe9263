"""Keeping read models current: the runner that folds batches of events, the workers that run it."""
