"""The pooled fund's rules as pure functions (no Django): splits, the ring fence, the chain, the
statement's figures and the year-end risk share. `mypy --strict` checks this package."""
