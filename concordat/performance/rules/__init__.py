"""The KPI engine's pure rules: exact rounding, the periods of a run, the shape of the spec's object and
disclosure control. No Django, no database: plain values in, plain values out."""
