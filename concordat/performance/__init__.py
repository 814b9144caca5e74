"""Performance against targets: the KPI engine (treatment-data.md, "KPIs"), its cached results and (next)
the dashboards. Reads the treatment record, the pool and commissioning through their selectors only."""
