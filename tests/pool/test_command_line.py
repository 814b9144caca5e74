"""The `concordat pool` commands as the contract runs them: a process of their own, exit statuses, JSON."""

from __future__ import annotations

import json
from pathlib import Path

from concordat.partnerships.document import dump_yaml
from tests.factories import agreement_document, concordat_env, run_concordat

GOOD = (
    "ref,date,kind,stream,contract,purpose,amount,reverses,description\n"
    "C-1,2003-04-15,contribution,NTA-PTB,,,300000.00,,\n"
    "P-1,2003-07-01,payment,,CDT-2003,treatment,12000.00,,\n"
)


def test_import_statement_and_close_as_the_contract_runs_them(tmp_path: Path) -> None:
    env = concordat_env(tmp_path / "var", DEBUG="1")
    agreement = tmp_path / "salford.yaml"
    agreement.write_text(dump_yaml(agreement_document()), encoding="utf-8")
    assert run_concordat("migrate", "-v0", env=env).returncode == 0
    assert run_concordat("partnership", "load", str(agreement), env=env).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "X-1,2003-07-02,payment,,CDT,treatment,-5.00,,\n", encoding="utf-8")
    refused = run_concordat("pool", "import", str(bad), "--partnership", "salford-dat", "--json", env=env)
    assert refused.returncode == 2
    report = json.loads(refused.stdout)
    assert report["accepted"] is False and report["errors"][0]["row"] == 4
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    for _ in range(2):  # the second import adds nothing and still succeeds
        done = run_concordat("pool", "import", str(good), "--partnership", "salford-dat", "--json", env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    shown = run_concordat(
        "pool",
        "statement",
        "--partnership",
        "salford-dat",
        "--year",
        "2003-04",
        "--quarter",
        "2",
        "--json",
        env=env,
    )
    statement = json.loads(shown.stdout)
    assert (statement["quarter"], statement["received"], statement["actual_spend"]) == (
        2,
        "300000.00",
        "12000.00",
    )
    assert (
        run_concordat(
            "pool", "statement", "--partnership", "nowhere", "--year", "2003-04", env=env
        ).returncode
        == 2
    )
    closed = run_concordat(
        "pool", "close", "--partnership", "salford-dat", "--year", "2003-04", "--json", env=env
    )
    assert closed.returncode == 0 and json.loads(closed.stdout)["carry_forward"] == "1989500.00"
    again = run_concordat("pool", "close", "--partnership", "salford-dat", "--year", "2003-04", env=env)
    assert again.returncode == 2
    assert run_concordat("pool", "verify", "--partnership", "salford-dat", env=env).returncode == 0
