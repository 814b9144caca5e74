"""Official and local codes: their patterns in one place."""

from __future__ import annotations

import re

GSS = re.compile(r"^[ENSW][0-9]{8}$")  # ONS Government Statistical Service area codes
ODS = re.compile(r"^[A-Z0-9]{3,10}$")  # NHS Organisation Data Service codes
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
LOCAL_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")  # partner, stream and provider codes within a file
MODALITY = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def is_gss(code: object) -> bool:
    return isinstance(code, str) and bool(GSS.fullmatch(code))  # fullmatch: "$" alone allows a trailing "\n"


def is_org_code(code: object) -> bool:
    """An official organisation code: a GSS code for a council, an ODS code for an NHS body."""
    return isinstance(code, str) and bool(GSS.fullmatch(code) or ODS.fullmatch(code))
