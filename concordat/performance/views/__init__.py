"""The performance pages, one module per room: the dashboard, the targets, the national comparison,
money beside activity and outcomes, and the records behind a count."""
