"""The performance app's demo data (run by `concordat demo load` after the partnerships, the users and the
treatment record): the B&NES treatment workforce, whole-time equivalents by provider for 2002-03 to 2005-06.

The paper says only that "workforce expansion was slow, primarily because of limited resource" (4.10) and
that criminal justice funding "allowed an increase in the drug treatment workforce to a small but useful
extent" (4.12): every figure here is invented to match those words, and its source says so. A figure
already there (entered by someone trying the demo) is left as it is, so a second load changes nothing."""

from __future__ import annotations

from concordat.core.audit import command_line
from concordat.partnerships.models import Partnership

from .models import WorkforceFigure
from .workforce import figure_save

# provider -> FTE in 2002-03, 2003-04, 2004-05, 2005-06
BNES = {
    "BADAS": ("6.00", "6.00", "6.50", "7.00"),
    "DHI": ("7.50", "8.00", "8.50", "9.50"),
    "AWP": ("11.50", "12.00", "12.00", "13.50"),
    "INVOLVE": ("3.50", "4.00", "4.50", "5.00"),
}
FIRST_YEAR = 2002
SOURCE = "invented: the paper says only that workforce expansion was slow (4.10) and grew a little (4.12)"


def load() -> None:
    partnership = Partnership.objects.filter(slug="bnes-dat").first()
    if partnership is None:
        return
    there = set(WorkforceFigure.objects.filter(partnership=partnership).values_list("provider__code", "year"))
    codes = set(partnership.providers.values_list("code", flat=True))
    with command_line(None):
        for code, figures in BNES.items():
            if code not in codes:
                continue
            for offset, fte in enumerate(figures):
                year = FIRST_YEAR + offset
                if (code, year) in there:
                    continue
                figure_save(
                    partnership=partnership,
                    provider=code,
                    year=f"{year}-{(year + 1) % 100:02d}",
                    fte=fte,
                    source=SOURCE,
                    seen=None,
                    user=None,
                )
