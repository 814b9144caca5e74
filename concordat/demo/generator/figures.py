"""The published national figures the synthetic treatment data is calibrated to, in one place.

Every figure comes from `shared/data/treatment-figures.md` (English national drug treatment monitoring:
NDTMS annual statistics, QualityWatch / Nuffield Trust), cited beside it. They are public facts of the order
the generator should reproduce, not targets a partnership is measured against. Where the published figures
do not add up to a whole (they come from different publications, years and bases), the choice made here is
said beside it. The test `tests/demo/test_generator.py::test_shares_are_of_the_published_order` checks the
generated files against these numbers.
"""

from __future__ import annotations

# Sex of people in treatment. "men among people in treatment: 73% (2008-09)", NDTMS statistics 2008-09.
# The 1% not stated or of another term is our choice: the publication reports men and women only.
SEX = {"M": 0.73, "F": 0.26, "X": 0.005, "U": 0.005}

# Age at referral. "median age at first contact of the latest journey: 33 (2008-09); the caseload ages over
# time", NDTMS statistics 2008-09. The rate of ageing (a quarter of a year each year, between 28 and 40) is
# our reading of "ages over time"; the shape is a skewed (log-normal) tail over 18.
MEDIAN_AGE = 33.0
MEDIAN_AGE_YEAR = 2008
AGEING_PER_YEAR = 0.25
MEDIAN_AGE_RANGE = (28.0, 40.0)
ADULT_AGE = 18  # the figures are of adults' treatment

# Primary substance of a person's first episode. "share in treatment for opiates / alcohol only: 52% / 28%
# (2019-20)", Adult substance misuse treatment statistics 2019 to 2020. The other 20% is split over the
# non-opiate groups in the order that publication reports them (cannabis and cocaine the largest).
SUBSTANCE = {
    "opiates": 0.52,
    "alcohol": 0.28,
    "cannabis": 0.08,
    "cocaine": 0.06,
    "crack": 0.02,
    "amphetamines": 0.015,
    "benzodiazepines": 0.01,
    "new-psychoactive": 0.005,
    "other": 0.01,
}

# How episodes end (shares of discharges). Sources: "exits that were successful completions: 43% (2009-10)
# rising to about 50%; 47% (2011-12)" (QualityWatch; NDTMS 2011-12); "exits transferred (community / into
# custody): 14% / 11% (2011-12)" (NDTMS 2011-12); "exits dropped out or left: 25% to 30%" and "exits declined
# treatment: 2% to 4%" (QualityWatch). Those add up to more than 100% (different publications count exits
# differently), so transfers are taken at 18% rather than 25%, keeping completions and drop-outs inside
# their published ranges; withdrawn, died and other share the last 8%.
EXIT_REASONS = {
    "completed": 0.46,
    "transferred": 0.18,
    "dropped-out": 0.26,
    "declined": 0.03,
    "withdrawn-by-provider": 0.03,
    "died": 0.02,
    "other": 0.02,
}
COMPLETED_REASONS = ("completed-drug-free", "completed-alcohol-free", "completed-occasional-user")
UNSUCCESSFUL = ("dropped-out", "withdrawn-by-provider", "died", "other")

# Retention. "retained 12 weeks or more, or left free of dependence before 12 weeks: 92% (2008-09); 94%
# (2011-12)", NDTMS statistics. The generator aims at the lower figure.
RETAINED_12_WEEKS = 0.92

# Waits for a first intervention. "waiting three weeks or less: 73% for alcohol in 2005-06; about 98% in every
# group from 2017-18" (QualityWatch / Nuffield Trust); "mean wait for a first intervention: 1.8 days (2020-21)"
# (Nuffield Trust). Between the published years the share is interpolated in a straight line.
WAIT_THRESHOLD_DAYS = 21
WITHIN_THRESHOLD = ((2005, 0.73), (2017, 0.98))
MEAN_WAIT_DAYS = 1.8
MEAN_WAIT_YEAR = 2020

# About 150 local partnerships (Drug Action Teams in 2004; upper-tier councils today): the national set.
PARTNERSHIPS = 150


def within_threshold_share(year: int) -> float:
    """The share of first interventions started within three weeks in calendar `year`."""
    (first_year, first), (last_year, last) = WITHIN_THRESHOLD
    if year <= first_year:
        return first
    if year >= last_year:
        return last
    return first + (last - first) * (year - first_year) / (last_year - first_year)


def median_age(year: int) -> float:
    """The median age at referral in calendar `year`: 33 in 2008, the caseload ageing either side."""
    low, high = MEDIAN_AGE_RANGE
    return min(high, max(low, MEDIAN_AGE + AGEING_PER_YEAR * (year - MEDIAN_AGE_YEAR)))
