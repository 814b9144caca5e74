"""The synthetic treatment data generator (`concordat demo generate`): partnerships, people and their
treatment journeys, written as partnership files and the spec's submission CSVs. Nothing in it is real.

people.py    who a client is (initials, date of birth, sex, area, substance)
episodes.py  their journeys: episodes, modalities, waits, discharges, cut at the period end
modalities.py  the modalities people are referred to, and what a partnership's own stand in for
draws.py     weighted draws from a seeded random stream
agreements.py  the partnership file of a synthetic partnership
files.py     one partnership's files (CSV per provider, partnership file) and the existing-partnership entry
national.py  a set of partnerships in parallel, with progress, and the manifest
figures.py   the published national figures it is calibrated to
"""

from .files import generate_for_partnership
from .national import generate

__all__ = ["generate", "generate_for_partnership"]
