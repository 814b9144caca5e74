"""The agreement's rules as pure functions: no Django, no database, tested without either."""
