"""The metric catalogue (sim.metrics): one declaration per metric, everything else derived from it; the
sensitivity metrics for any year; the docs' table; the report reading the targets recorded with the run."""
from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim import metrics as M
from sim import moments
from sim.codes import N_OUTCOMES, Fund
from sim.outcomes import outcome_values, outcomes_table
from sim.sensitivity import check_metrics
from sim.targets_schema import SHARE_MOMENTS, TARGET_SCHEMA
from tests.conftest import LIUPANSHUI, ROOT, UI_ONLY
from tools.outcomes_doc import DOC, with_catalogue


def test_every_metric_is_declared_once_with_a_known_year_rule_and_family():
    names = [m.name for m in M.CATALOGUE]
    assert len(names) == len(set(names))
    for metric in M.CATALOGUE:
        assert metric.year_rule in M.YEAR_RULES and metric.family in M.FAMILIES, metric
        assert metric.name_zh and metric.name_en and metric.unit and metric.formula, metric
    for selection in (M.COMPARED, M.HEADLINE, M.KPI, M.IN_WORK):
        assert set(selection) <= {m.name for m in M.OUTCOMES}, selection
    for metric in M.OUTCOMES:
        assert metric.running_of is None or M.BY_NAME[metric.running_of].year_rule == M.SUM


def test_outcome_series_are_exactly_the_catalogues_outcomes():
    counters = np.random.default_rng(1).integers(0, 50, size=(14, N_OUTCOMES))
    calendar = np.array([(t % 12) + 1 for t in range(14)])
    values = outcome_values(counters, calendar, recorded_share_new_jobs=0.8)
    assert set(values) == {m.name for m in M.OUTCOMES}
    table = outcomes_table(values, [f"2024-{t + 1:02d}" if t < 12 else f"2025-{t - 11:02d}" for t in range(14)], 10.0)
    assert list(dict.fromkeys(table["metric"])) == [m.name for m in M.OUTCOMES]
    # shares are not weighted, counts are
    rate = table[table["metric"] == "surveyed_unemployment_rate"]["value"].to_numpy()
    assert np.nanmax(rate) <= 1.0
    ytd = values["new_urban_jobs_ytd"]
    assert ytd[11] == pytest.approx(values["new_urban_jobs"][:12].sum())
    assert ytd[12] == values["new_urban_jobs"][12]                   # January starts the running total again


def test_derived_moments_are_the_catalogues_and_targets_may_name_every_outcome_and_moment():
    assert set(moments._DERIVED) == {m.name for m in M.MOMENTS}
    assert moments.BY_DISTRICT == {"training_person_times_ytd", "onjob_training_person_times_ytd"}
    assert TARGET_SCHEMA["metric"].choices == M.TARGET_METRICS
    assert SHARE_MOMENTS == {"surveyed_unemployment_rate", "graduate_destination_rate", "graduate_employment_rate"}


def test_year_rules():
    months = pd.Series(["2024-07", "2024-08", "2024-09"])
    values = pd.Series([1.0, 2.0, 6.0])
    assert M.year_value(months, values, M.LAST) == 6.0
    assert M.year_value(months, values, M.SUM) == 9.0
    assert M.year_value(months, values, M.MEAN) == 3.0
    assert M.year_value(months, values, M.AUGUST) == 2.0
    assert math.isnan(M.year_value(months[:1], values[:1], M.AUGUST))
    frame = pd.DataFrame({"rep": 0, "month": ["2024-11", "2024-12", "2025-01"] * 2,
                          "metric": ["business_starts"] * 3 + ["unemployed"] * 3, "value": [1.0, 2, 4, 10, 20, 40]})
    table = M.by_year(frame, "metric")
    assert table.values.tolist() == [[0, "2024", "business_starts", 3.0], [0, "2024", "unemployed", 20.0],
                                     [0, "2025", "business_starts", 4.0], [0, "2025", "unemployed", 40.0]]


def test_the_docs_list_the_catalogue():
    text = DOC.read_text(encoding="utf-8")
    assert with_catalogue(text) == text, "run python tools/outcomes_doc.py"
    # the prose tables of docs/outcomes.md agree with the catalogue on Chinese name and unit
    rows = re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \| ([a-z/]+) \| [^|]+ \|$", text, re.M)
    assert len(rows) == len(M.OUTCOMES)
    for name, name_zh, unit in rows:
        metric = M.BY_NAME[name]
        assert (metric.name_zh, metric.unit) == (name_zh.strip(), unit), name


YEARS = ["2024", "2025"]


@pytest.mark.parametrize("name", ["cost.total", "cost.total@2025", "cost.employment_fund@2025", "cost.fund.ui_fund",
                                  "cost.instrument.SR-05@2024", "outcome.new_urban_jobs@2025", "jobs.new_urban@2024",
                                  "ui_fund.cover_months@2025", "cost_per_additional_job@2025", "cost.forgone"])
def test_sensitivity_metric_names_for_any_year_are_accepted(name):
    assert check_metrics([name], ["SR-05"], YEARS) == []


@pytest.mark.parametrize("name, words", [
    ("cost.total@2030", ["2030", "@2024, @2025"]),
    ("cost.employment_fnd@2025", ["unknown fund", "employment_fund"]),
    ("outcome.new_urban_job@2025", ["unknown outcome", "new_urban_jobs"]),
    ("cost.instrument.SR-99", ["not an instrument", "SR-05"]),
    ("jobs.total", ["unknown metric", "cost.total", "outcome.<metric>", "@2024"]),
])
def test_sensitivity_metric_names_are_checked_with_the_allowed_names_and_years(name, words):
    problems = check_metrics([name], ["SR-05"], YEARS)
    assert len(problems) == 1
    message = str(problems[0])
    for word in words:
        assert word in message, (word, message)


@pytest.fixture(scope="module")
def two_years():
    return sim.run(LIUPANSHUI, persons=1500, months=24, seed=3)


def test_sensitivity_metrics_by_year_add_up_to_the_whole_run(two_years):
    r = two_years
    summary = M.summarise(r.costs, r.outcomes, r.funds)
    assert set(summary) == {M.ALL, "2024", "2025"}
    total = M.value(summary, "cost.total")
    assert total == float(r.costs.loc[~r.costs["funding"].isin(["tax_forgone", "si_forgone"]), "amount_yuan"].sum())
    assert M.value(summary, "cost.total@2024") + M.value(summary, "cost.total@2025") == pytest.approx(total, rel=1e-12)
    for fund in ("employment_fund", "ui_fund"):
        by_year = sum(M.value(summary, f"cost.{fund}@{y}") for y in ("2024", "2025"))
        assert by_year == pytest.approx(M.value(summary, f"cost.fund.{fund}"), rel=1e-12)
        assert by_year > 0
    december = r.outcomes[(r.outcomes["month"] == "2025-12") & (r.outcomes["metric"] == "new_urban_jobs_ytd")]
    assert M.value(summary, "outcome.new_urban_jobs@2025") == pytest.approx(float(december["value"].iloc[0]), rel=1e-9)
    assert M.value(summary, "jobs.new_urban@2025") == float(december["value"].iloc[0])
    assert M.value(summary, "jobs.new_urban") == pytest.approx(
        M.value(summary, "jobs.new_urban@2024") + M.value(summary, "jobs.new_urban@2025"), rel=1e-12)
    rate = r.outcomes[(r.outcomes["month"] == "2024-12") & (r.outcomes["metric"] == "surveyed_unemployment_rate")]
    assert M.value(summary, "unemployment_rate@2024") == float(rate["value"].iloc[0])
    assert M.value(summary, "outcome.surveyed_unemployment_rate@2024") == float(rate["value"].iloc[0])
    assert M.value(summary, f"cost.{Fund.si_forgone.name}") == M.value(summary, f"cost.fund.{Fund.si_forgone.name}")


def test_compare_and_the_report_summarise_a_year_by_the_catalogues_rule(two_years):
    from sim.compare import indicator_table
    from sim.report.tables import outcomes_by_year
    table = indicator_table(two_years)
    o = two_years.outcomes
    starts = o[(o["metric"] == "business_starts") & o["month"].str.startswith("2025")]["value"].sum()
    row = table[(table["key"] == "business_starts") & (table["year"] == "2025")]
    assert float(row["value"].iloc[0]) == pytest.approx(starts)
    shown = outcomes_by_year(two_years, "zh")
    shown = shown[(shown["__metric"] == "business_starts") & (shown["年度"] == "2025")]
    assert float(shown["数值"].iloc[0]) == pytest.approx(round(starts, 4))
    recipients = o[(o["metric"] == "ui_recipients") & o["month"].str.startswith("2024")]["value"].mean()
    row = table[(table["key"] == "ui_recipients") & (table["year"] == "2024")]
    assert float(row["value"].iloc[0]) == pytest.approx(recipients)


def test_a_city_outside_the_repository_reports_against_its_own_targets(tmp_path, monkeypatch):
    """The run records the targets of the locality folder it loaded (with their sha256); the report reads
    that file, not the repository's calibration/ nor the current directory's."""
    from sim.report.build import write_reports
    from sim.results import Results
    text = (ROOT / "calibration" / "liupanshui" / "targets.toml").read_text(encoding="utf-8")
    marked = text.replace("value = 60000", "value = 12345", 1)
    assert marked != text
    scenario = _city(tmp_path, marked)
    targets = tmp_path / "elsewhere" / "calibration" / "newtown" / "targets.toml"
    elsewhere = tmp_path / "cwd"
    (elsewhere / "calibration" / "newtown").mkdir(parents=True)        # a decoy the report must not read
    (elsewhere / "calibration" / "newtown" / "targets.toml").write_text("not toml [", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    results = sim.run(scenario, persons=800, months=12)
    recorded = {f["role"]: f for f in results.manifest["input_files"]}
    assert Path(recorded["targets"]["path"]).resolve() == targets.resolve()
    assert len(recorded["targets"]["sha256"]) == 64
    out = results.save(tmp_path / "run")
    write_reports(Results.load(out), tmp_path / "report")
    sheet = pd.read_excel(tmp_path / "report" / "workbook.xlsx", sheet_name="目标完成")
    assert 12345 in set(sheet["目标"])
    assert 60000 not in set(sheet["目标"])


def _city(tmp_path, targets_text=None):
    """Liupanshui copied outside the repository as `newtown` (its scenario beside it)."""
    city = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "calibration" / "liupanshui", city / "calibration" / "newtown")
    if targets_text is not None:
        (city / "calibration" / "newtown" / "targets.toml").write_text(targets_text, encoding="utf-8")
    scenario = city / "scenarios" / "newtown.toml"
    scenario.parent.mkdir()
    scenario.write_text(UI_ONLY.read_text(encoding="utf-8").replace('locality = "liupanshui"', 'locality = "newtown"'),
                        encoding="utf-8")
    return scenario


def test_validate_and_run_check_the_targets_file_before_simulating(tmp_path, capsys):
    from sim.cli import main
    bad = (ROOT / "calibration" / "liupanshui" / "targets.toml").read_text(encoding="utf-8").replace(
        'metric = "new_urban_jobs_ytd"', 'metric = "new_urban_job_ytd"', 1)
    scenario = _city(tmp_path, bad)
    assert main(["validate", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert "targets.toml" in err and "new_urban_job_ytd" in err and "new_urban_jobs_ytd" in err
    assert "Traceback" not in err
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--persons", "500", "--months", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "targets.toml" in err and "Traceback" not in err
    assert not (out / "costs.csv").exists()                         # refused before the simulation
    assert main(["run", str(scenario), "--persons", "500", "--months", "2", "--out", str(out), "--no-report"]) == 0
