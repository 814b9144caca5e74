"""The pooled fund's terms in the agreement, all optional: the partnership's own spend `purposes` beyond
the four built in, its `schemes` (as Better Care Fund section 75 agreements have: a commissioning partner,
a purpose, a maximum budget per year, the spend lines that belong to it) and a `risk_reserve` set aside
from a year's budget. The pool (concordat.pool) reads them; without them its figures are the spec's.

```yaml
purposes: [{code: alcohol-treatment, name: Alcohol treatment}]
schemes:
  - {code: RESI, name: Residential rehabilitation, partner: PCT, purpose: treatment,
     maximum: {2003-04: "400000.00"}, spend_lines: [RESI-2003]}
risk_reserve: {2003-04: "50000.00"}
```
Stored as written, normalised (years "YYYY-YY", money with two places), so the export is the file.
"""

from __future__ import annotations

import re
from typing import Any

from concordat.core.money import pence_to_str

from .limits import CODE, NAME
from .reader import Reader, at

BUILT_IN_PURPOSES = ("treatment", "harm-reduction", "young-people", "commissioning-support")
PURPOSE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
SPEND_LINE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]{0,63}$")


def _money_by_year(read: Reader, mapping: dict[str, Any], key: str, path: str) -> dict[str, str]:
    stored: dict[str, str] = {}
    for year_text, amount in read.take_mapping(mapping, key, path).items():
        entry = {"year": str(year_text), "amount": amount}
        where = at(at(path, key), str(year_text))
        year = read.take_year(entry, "year", where)
        pence = read.take_money(entry, "amount", where)
        if year is not None and pence is not None:
            stored[str(year)] = pence_to_str(pence)
    return stored


def pool_terms(read: Reader, doc: dict[str, Any], partner_codes: set[str]) -> dict[str, Any]:
    """{"purposes", "schemes", "risk_reserve"} checked, every problem in `read.report`."""
    purposes: list[dict[str, str]] = []
    codes = set(BUILT_IN_PURPOSES)
    for path, item in read.items(read.take_list(doc, "purposes", ""), "purposes"):
        code = read.take_pattern(item, "code", path, PURPOSE, required=True, what="spend purpose")
        name = read.take_text(item, "name", path, max_length=NAME) or ""
        if code in codes:
            read.report.error(
                at(path, "code"),
                "duplicate-code",
                f"{at(path, 'code')}: the purpose '{code}' is already defined",
            )
        elif code:
            codes.add(code)
            purposes.append({"code": code, "name": name} if name else {"code": code})
    schemes: list[dict[str, Any]] = []
    scheme_codes: set[str] = set()
    lines: dict[str, str] = {}
    for path, item in read.items(read.take_list(doc, "schemes", ""), "schemes"):
        code = read.take_text(item, "code", path, required=True, max_length=CODE) or ""
        if code in scheme_codes:
            read.report.error(
                at(path, "code"),
                "duplicate-code",
                f"{at(path, 'code')}: the scheme '{code}' is already defined",
            )
        scheme_codes.add(code)
        partner = read.take_text(item, "partner", path, max_length=CODE) or ""
        if partner and partner not in partner_codes:
            read.report.error(
                at(path, "partner"),
                "unknown-partner",
                f"{at(path, 'partner')}: no partner with code '{partner}' in partners",
            )
        purpose = read.take_text(item, "purpose", path, max_length=40) or ""
        if purpose and purpose not in codes:
            read.report.error(
                at(path, "purpose"),
                "unknown-purpose",
                f"{at(path, 'purpose')}: '{purpose}' is not a spend purpose (built in or in purposes)",
            )
        spend_lines: list[str] = []
        for index, line in enumerate(read.take_list(item, "spend_lines", path)):
            where = at(at(path, "spend_lines"), index)
            if not isinstance(line, str) or not SPEND_LINE.match(line):
                read.report.error(
                    where,
                    "invalid-spend-line",
                    f"{where}: a spend line is a contract reference of 1 to 64 letters, digits or . _ / : -",
                )
            elif line in lines:
                read.report.error(
                    where,
                    "duplicate-spend-line",
                    f"{where}: the spend line {line} already belongs to the scheme {lines[line]}",
                )
            else:
                lines[line] = code
                spend_lines.append(line)
        scheme = {
            "code": code,
            "name": read.take_text(item, "name", path, required=True, max_length=NAME) or "",
            "partner": partner,
            "purpose": purpose,
            "maximum": _money_by_year(read, item, "maximum", path),
            "spend_lines": spend_lines,
        }
        source = read.take_source(item, path)
        if source:
            scheme["source"] = source
        schemes.append(
            {key: value for key, value in scheme.items() if value not in ("", [], {})} | {"code": code}
        )
    return {
        "purposes": purposes,
        "schemes": schemes,
        "risk_reserve": _money_by_year(read, doc, "risk_reserve", ""),
    }
