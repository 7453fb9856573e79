"""Event records: reading, validation, article extraction, the join with places, exports."""
