"""Warm start (sim.warmup, issue 12 §1): warm-up months before the first reported month, reported nowhere;
the warmed state built once and shared; `since`; the caseload of continuing subsidies at its level."""
from __future__ import annotations

import dataclasses
import os

import numpy as np
import pytest

import sim
from sim import warmup
from sim.engine import simulate
from sim.params import ScenarioError
from tests.conftest import LIUPANSHUI, ROOT, UI_ONLY, write_reform

SMALL = {"persons": 2000, "months": 6, "seed": 3}
CONTINUING = ("hiring_si_subsidy", "flexible_si_subsidy", "public_job", "ui_benefit")
BASELINES = ("jixi-2018", "changzhou-2024", "jiulongpo-2020", "dalian-2020", "liupanshui-2023")


def _same_record(a, b) -> None:
    for name in ("ledger_fen", "ledger_count", "outcomes", "revenue_fen", "ui_fund_balance_fen", "direct_fen"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_a_cold_start_is_the_plain_engine_run():
    scenario = sim.load_scenario(LIUPANSHUI, **SMALL, set={"run.warmup_months": 0})
    _same_record(warmup.run(scenario, 0), simulate(scenario))
    assert sim.run(scenario).manifest["warmup"]["months"] == 0


def test_nothing_from_the_warm_up_is_reported_and_the_manifest_records_it():
    res = sim.run(UI_ONLY, **SMALL)
    months = [f"2024-0{m}" for m in range(1, 7)]
    assert sorted(res.costs["month"].unique()) == months
    assert sorted(res.outcomes["month"].unique()) == months and sorted(res.funds["month"].unique()) == months
    assert set(res.budget["year"].astype(str)) == {"2024"}
    entry = res.manifest["warmup"]
    # UI benefit: 24 months + 6 of 失业补助金, more than a calendar year of firm accounts (12 from January)
    assert entry["months"] == 30 and entry["first_month"] == "2021-07" and "UI-10" in entry["why"]
    assert entry["since"] == {"UI-10": {"since": "1999-01", "source": entry["since"]["UI-10"]["source"]}}
    # the warm-up's claimants are paid from the first reported month on
    ui = res.costs[res.costs["instrument"] == "UI-10"].groupby("month")["amount_yuan"].sum()
    assert ui["2024-01"] > 0.6 * ui["2024-06"]


def test_the_default_length_covers_a_full_year_of_accounts_before_a_mid_year_start(tmp_path):
    reform = write_reform(tmp_path, 'start = "2024-09"')
    short = {"instruments.UI-10.max_months": 3, "instruments.UI-10.aid_months": 0}   # overrides reach the rules
    # the run starts in September: the January close before it must cover a full simulated year
    assert warmup.default_months(sim.load_scenario(reform, **SMALL, set=short))[0] == 12 + 8
    # otherwise the longest claim: UI benefit 24 months + 6 of 失业补助金 (the rules are the base document's)
    assert warmup.default_months(sim.load_scenario(reform, **SMALL))[0] == 30


def test_the_state_is_built_once_and_a_reform_starts_from_the_base_state():
    base = sim.load_scenario(LIUPANSHUI, **SMALL)
    reform = sim.load_scenario(ROOT / "scenarios" / "liupanshui-2023-youth-hiring.toml", **SMALL)
    assert warmup.warm_key(base, 0) == warmup.warm_key(reform, 0)
    assert warmup.warm_key(base, 0) != warmup.warm_key(base, 1)
    state = warmup.starting_state(base, 0)
    assert warmup.starting_state(reform, 0) is state
    before = state.population.persons.data.copy()
    warmup.run(reform, 0, state=state)
    assert np.array_equal(state.population.persons.data, before)      # runs never modify the state


def test_a_saved_state_gives_the_same_run(tmp_path):
    scenario = sim.load_scenario(LIUPANSHUI, **SMALL)
    state = warmup.starting_state(scenario, 0)
    warmup.save(state, tmp_path / "state.npz")
    loaded = warmup.load(tmp_path / "state.npz")
    assert loaded.key == state.key and loaded.months == state.months and loaded.slots == state.slots
    _same_record(warmup.run(scenario, 0, state=loaded), warmup.run(scenario, 0, state=state))


def test_the_key_changes_with_what_the_warm_up_depends_on_only(tmp_path):
    base = sim.load_scenario(LIUPANSHUI, **SMALL)
    key = warmup.warm_key(base, 0)
    changed = {"a baseline instrument's rule": {"instruments.UI-10.max_months": 3},
               "a behaviour parameter": {"behaviour.separation.base": 0.02},
               "the warm-up's length": {"run.warmup_months": 14}}
    for what, override in changed.items():
        assert warmup.warm_key(sim.load_scenario(LIUPANSHUI, **SMALL, set=override), 0) != key, what
    for what, size in {"persons": {"persons": 2001}, "seed": {"seed": 4}, "months": {"months": 7}}.items():
        assert warmup.warm_key(sim.load_scenario(LIUPANSHUI, **(SMALL | size)), 0) != key, what
    # a reform that changes only the reported months' rules (an instrument it adds, and its parameters)
    # reuses the state of the file it extends
    reform = write_reform(tmp_path, '[instruments.PJ-new]\ntype = "public_job"\nname_zh = "公益性岗位"\n'
                                    'funding = "employment_fund"\npayee = "employer"\nvalid = ["2020-01", "2025-12"]\n'
                                    'take_up = 1.0\ntake_up_source = "assumption: test"\nsource = "assumption: test"\n')
    ui_only = warmup.warm_key(sim.load_scenario(UI_ONLY, **SMALL), 0)        # the file it extends
    assert warmup.warm_key(sim.load_scenario(reform, **SMALL), 0) == ui_only
    assert warmup.warm_key(sim.load_scenario(reform, **SMALL, set={"instruments.PJ-new.take_up": 0.5}), 0) == ui_only


def test_a_task_store_keeps_the_starting_state_and_later_runs_load_it(tmp_path, monkeypatch):
    from sim.tasks import TaskStore

    scenario = sim.load_scenario(LIUPANSHUI, **SMALL)
    reform = sim.load_scenario(ROOT / "scenarios" / "liupanshui-2023-refund-90-50.toml", **SMALL)
    first = sim.compare(scenario, reform, store=tmp_path / "tasks")     # a comparison keeps its states
    store = TaskStore(tmp_path / "tasks")
    assert store.get_state(warmup.warm_key(scenario, 0)) is not None
    assert len(list((tmp_path / "tasks").glob("warm-*.npz"))) == 1
    assert first.manifest["execution"]["warm_states"]["kept"] is True
    # a run with the same warm-up rules (another task) loads the state: no warm-up is simulated
    youth = sim.load_scenario(ROOT / "scenarios" / "liupanshui-2023-youth-hiring.toml", **SMALL)
    warmup._LAST.clear()
    monkeypatch.setattr(warmup, "synthesize", lambda *a, **k: pytest.fail("the warm-up ran again"))
    again = sim.run(youth, store=tmp_path / "tasks")
    assert again.manifest["execution"]["tasks_computed"] == 1
    assert again.manifest["timings_seconds"]["warmup_seconds"] == 0.0
    assert len(list((tmp_path / "tasks").glob("warm-*.npz"))) == 1
    monkeypatch.undo()
    warmup._LAST.clear()
    fresh = sim.run(youth)                                   # built here, no store
    for table in ("costs", "outcomes", "funds"):
        assert getattr(again, table).equals(getattr(fresh, table)), table
    assert first.results[scenario.name].costs.equals(sim.run(scenario).costs)
    assert warmup._STORE == {}                                # the store is the run's only


def test_a_single_run_does_not_keep_its_starting_states_and_the_manifest_says_so(tmp_path):
    warmup._LAST.clear()
    res = sim.run(sim.load_scenario(LIUPANSHUI, **SMALL, reps=2), store=tmp_path / "tasks")
    assert not list((tmp_path / "tasks").glob("warm-*.npz"))
    assert len(list((tmp_path / "tasks").glob("*.pkl"))) == 2               # its finished replications are
    states = res.manifest["execution"]["warm_states"]
    assert (states["kept"], states["files"], states["bytes"], states["evicted"]) == (False, 0, 0, 0)


def test_the_store_evicts_the_least_recently_used_states_beyond_its_budget(tmp_path):
    from sim.tasks import TaskStore

    state = warmup.starting_state(sim.load_scenario(LIUPANSHUI, **SMALL), 0)
    probe = TaskStore(tmp_path / "probe")
    probe.put_state("probe", state)
    size = probe.state_path("probe").stat().st_size
    store = TaskStore(tmp_path / "tasks", state_budget=2 * size + size // 2)     # two states fit, not three
    keys = ["a", "b", "c"]
    for age, key in enumerate(keys):
        store.put_state(key, dataclasses.replace(state, key=key))
        os.utime(store.state_path(key), (1_000_000 + age, 1_000_000 + age))       # a, b, c: oldest first
    store.evict()
    assert [store.state_path(k).exists() for k in keys] == [False, True, True]
    assert store.get_state("b") is not None                       # loading b makes it the most recent
    store.put_state("d", dataclasses.replace(state, key="d"))
    assert [store.state_path(k).exists() for k in ("b", "c", "d")] == [True, False, True]
    kept = sum(store.state_path(k).stat().st_size for k in ("b", "d"))
    assert store.state_summary() == {"kept": True, "files": 2, "bytes": kept, "budget_bytes": store.state_budget,
                                     "evicted": 2}
    alone = TaskStore(tmp_path / "tiny", state_budget=1)                  # the state just written stays
    alone.put_state("a", state)
    assert alone.state_path("a").exists()


def test_an_instrument_a_reform_adds_takes_claims_from_reported_months_only(tmp_path):
    reform = write_reform(tmp_path, '[instruments.PJ-new]\ntype = "public_job"\nname_zh = "公益性岗位"\n'
                                    'funding = "employment_fund"\npayee = "employer"\nvalid = ["2020-01", "2025-12"]\n'
                                    'take_up = 1.0\ntake_up_source = "assumption: test"\nsource = "assumption: test"\n')
    scenario = sim.load_scenario(reform, **SMALL)
    state = warmup.starting_state(scenario, 0)
    line = warmup.timeline(scenario, state)
    first = {ins.id: ins.first for ins in line.instruments}
    assert first["PJ-new"] == state.months                 # not the warm-up's placements
    assert first["UI-10"] < 0                              # since 1999: claims of the warm-up continue


@pytest.mark.parametrize("body, message", [
    ('since = "2024-06"\nsince_source = "x"', "must not be after the first month of valid (2024-01)"),
    ('since = "2020-01"\nsince_source = ""', "required with since"),
])
def test_since_is_validated(tmp_path, body, message):
    reform = write_reform(tmp_path, f"[instruments.UI-10]\n{body}\n")
    with pytest.raises(ScenarioError) as error:
        sim.load_scenario(reform)
    assert message in str(error.value)


def _first_and_last(city: str, persons: int | None = None):
    res = sim.run(ROOT / "scenarios" / f"{city}.toml", persons=persons)
    labels = sorted(res.outcomes["month"].unique())
    paid = res.costs[res.costs["type"].isin(CONTINUING)]
    table = paid.groupby("instrument")[["month", "amount_yuan"]].apply(
        lambda g: g.groupby("month")["amount_yuan"].sum().reindex(labels, fill_value=0.0).to_numpy())
    return res, {iid: (v[:3].mean(), v[-3:].mean()) for iid, v in table.items() if v[0] > 0 and v[-1] > 0}


@pytest.mark.slow
@pytest.mark.parametrize("city", BASELINES)
def test_continuing_subsidies_start_at_the_caseload_that_exists(city):
    """Issue 12 done-means 1 at the default size and seed: every continuing monthly subsidy paid in the
    first and last reported month costs 0.6–1.67 × as much in the last 3 months as in the first 3
    (cold, on main: 5–38 ×). Smaller sizes do not show the same: their firm records are lumpier."""
    res, spans = _first_and_last(city)
    assert spans
    for iid, (first, last) in spans.items():      # (Liupanshui's UI-10 mass layoff is gone: D39)
        assert 0.6 <= last / first <= 1.67, (iid, first, last)
    if city == "changzhou-2024":          # starts in July: the first 稳岗返还 is on a full year's contributions
        refunds = res.costs[res.costs["type"] == "stabilization_refund"]
        by_year = refunds.groupby(refunds["month"].str.slice(0, 4))["amount_yuan"].sum()
        assert 0.8 <= by_year["2025"] / by_year["2026"] <= 1.25


def test_a_run_copies_the_warm_population_once_and_never_changes_it():
    scenario = sim.load_scenario(LIUPANSHUI, **SMALL)
    state = warmup.starting_state(scenario, 0)
    before = state.population.persons.data.copy()
    given = warmup.start_population(state, warmup.timeline(scenario, state))
    owned = simulate(warmup.timeline(scenario, state), population=given, owned=True, resume=state.loop)
    assert owned.population is given                     # the run's own copy, used as it is
    copied = simulate(scenario, population=state.population)
    assert copied.population is not state.population
    assert np.array_equal(state.population.persons.data, before)


def test_every_month_of_the_warm_up_and_of_the_reported_months_is_reported_to_month_progress(tmp_path):
    """The app's month-level progress (issue 17): through the task store's serial path, the warm-up's months,
    then the reported ones, in order; a reused starting state reports no warm-up; results unchanged."""
    scenario = sim.load_scenario(LIUPANSHUI, **SMALL)
    W = warmup.warmup_months(scenario)
    warmup._LAST.clear()
    told = []
    run = sim.run(scenario, store=tmp_path / "tasks", month_progress=lambda *month: told.append(month))
    assert told == ([("warmup", m, W) for m in range(1, W + 1)]
                    + [("report", m, SMALL["months"]) for m in range(1, SMALL["months"] + 1)])
    assert run.costs.equals(sim.run(scenario).costs)
    told.clear()
    reform = sim.load_scenario(ROOT / "scenarios" / "liupanshui-2023-youth-hiring.toml", **SMALL)
    sim.compare(scenario, reform, store=tmp_path / "tasks", month_progress=lambda *month: told.append(month))
    assert told == [("report", m, SMALL["months"]) for m in range(1, SMALL["months"] + 1)] * 2
    told.clear()
    with warmup.months_reported_to(lambda *month: told.append(month)):
        pass
    sim.run(scenario, months=2)                              # outside the block: nobody is told
    assert told == []
