"""`make bench`: national-scale data on PostgreSQL, each measure side by side with its reference."""
