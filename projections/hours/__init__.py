"""Hours served: each record's minutes and periods, and the summaries, leaderboards and rankings."""
