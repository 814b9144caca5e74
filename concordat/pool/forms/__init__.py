"""The pool's web forms: posting a contribution, a payment or an accrual (posting.py)."""
