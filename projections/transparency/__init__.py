"""The transparency log: a Merkle tree over the ordered events, its checkpoints, its self-audit."""
