"""What a volunteer asked for and was given, and the revisions of shifts, for ``/v1/me``."""
