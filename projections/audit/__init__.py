"""The audit trail: one readable row per event, its summaries' templates, its filtered pages."""
