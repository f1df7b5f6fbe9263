"""The shift board: each shift with its places and roster, and the lists read from it."""
