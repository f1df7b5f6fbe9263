"""The read models, one module each."""
