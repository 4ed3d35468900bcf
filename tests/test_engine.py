"""Conservation and accounting identities of a full run (DESIGN §11: exact, same-seed tier)."""
from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.codes import CostLine, Fund, InstrumentType, Outcome as O
from sim.engine import simulate
from sim.population.arrays import FIRM_DTYPE, PERSON_DTYPE
from tests.conftest import LIUPANSHUI as LIUPANSHUI_PATH, UI_ONLY, write_reform


def test_every_record_is_in_exactly_one_state_each_month(small_record):
    stocks = small_record.outcomes[:, O.stock_student:O.stock_retired + 1].sum(axis=1)
    assert (stocks == len(small_record.population.persons)).all()


def test_working_age_headcount_changes_only_by_entries_and_exits(small_record):
    o = small_record.outcomes
    working = o[:, O.stock_employed:O.stock_retired].sum(axis=1)        # employed … inactive
    initial = small_record.population.initial_persons
    previous = np.concatenate([[initial], working[:-1]])
    assert (working == previous + o[:, O.entries_from_outside] - o[:, O.retirements]).all()
    assert o[:, O.entries_from_outside].sum() > 0 and o[:, O.retirements].sum() > 0   # both flows happen


def test_ui_fund_balance_identity_holds_every_month(small_record):
    r = small_record
    revenue = r.revenue_fen.sum(axis=1)
    previous = np.concatenate([[r.ui_fund_opening_fen], r.ui_fund_balance_fen[:-1]])
    assert (r.ui_fund_balance_fen == previous + revenue - r.ui_fund_outlay_fen).all()
    ui_slots = [k for k, ins in enumerate(r.instruments) if set(ins.funding) == {Fund.ui_fund}]
    assert all(Fund.ui_fund not in ins.funding or k in ui_slots for k, ins in enumerate(r.instruments)), \
        "the bundled scenario's UI-fund instruments are funded by the UI fund alone"
    assert (r.ui_fund_outlay_fen == r.ledger_fen[:, ui_slots].sum(axis=(1, 2, 3))).all()
    assert revenue.min() > 0 and r.ui_fund_outlay_fen.sum() > 0


def test_every_payment_is_exactly_one_months_amount(small_record, small_scenario):
    """Ledger totals equal the sum of individual payments: fen = count × the month's district amount."""
    from sim.packing import UiSchedule
    from sim.inputs import kernel_inputs
    r = small_record
    inputs = kernel_inputs(small_scenario.profile, small_scenario.behaviour, start=small_scenario.start,
                           months=small_scenario.months, persons=small_scenario.persons)
    ui = UiSchedule(small_scenario, r.instruments, inputs, len(r.population.district_codes))
    slot = ui.slot
    for line, amounts in ((CostLine.main, ui.benefit), (CostLine.ui_medical, ui.medical), (CostLine.ui_aid, ui.aid)):
        assert (r.ledger_fen[:, slot, line, :] == r.ledger_count[:, slot, line, :] * amounts).all()
        assert r.ledger_count[:, slot, line, :].sum() > 0


def test_costs_table_reconciles_with_ledger(small_scenario):
    res = sim.run(small_scenario, keep_records=True)
    record = res.records[0]
    assert res.costs["amount_fen_sample"].sum() == record.ledger_fen.sum()
    assert set(res.costs["funding"]) == {Fund.ui_fund.name}
    assert set(res.costs["line"]) >= {CostLine.main.name, CostLine.ui_medical.name}
    weighted = res.costs["amount_fen_sample"].sum() * record.population.weight / 100
    assert res.budget["amount_yuan"].sum() == pytest.approx(weighted, abs=len(res.costs) * 0.005)   # ≤ ½ fen a row


def test_persistent_state_is_at_most_96_bytes_per_person(small_record):
    population = small_record.population
    assert PERSON_DTYPE.itemsize <= 96
    per_person = (population.persons.nbytes() + population.firms.nbytes()) / len(population.persons)
    assert per_person <= 96, per_person
    assert FIRM_DTYPE.itemsize < 128


def test_zero_amounts_give_zero_cost(tmp_path):
    path = write_reform(tmp_path, "[instruments.UI-10]\nratio = 0.0\nmedical_rate = 0.0\naid_ratio = 0.0\n")
    res = sim.run(path, persons=3000, months=8)
    assert res.costs["amount_yuan"].sum() == 0
    assert (res.funds.loc[res.funds["fund"] == "ui_fund", "outlays"] == 0).all()


def test_disabled_instrument_pays_nothing_and_claims_nothing(tmp_path):
    path = write_reform(tmp_path, "[instruments.UI-10]\nenabled = false\n")
    scenario = sim.load_scenario(path, persons=3000, months=8)
    record = simulate(scenario)
    assert record.ledger_fen.sum() == 0
    assert record.outcomes[:, O.ui_claims_new].sum() == 0
    assert record.outcomes[:, O.ui_recipients].sum() == 0


def test_seed_zero_is_a_valid_seed_and_differs_from_seed_one():
    a = sim.run(sim.load_scenario("tests/fixtures/liupanshui-ui-only.toml", persons=2000, months=3, seed=0))
    b = sim.run(sim.load_scenario("tests/fixtures/liupanshui-ui-only.toml", persons=2000, months=3, seed=1))
    assert a.manifest["seed"] == 0
    assert not a.outcomes["value"].equals(b.outcomes["value"])


def test_results_folder_round_trip(tmp_path, small_scenario):
    res = sim.run(small_scenario)
    out = res.save(tmp_path / "out")
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["manifest.json", "costs.csv", "costs.parquet", "budget.csv", "outcomes.csv", "funds.csv"])
    back = sim.results.Results.load(out)
    assert back.costs.equals(res.costs)
    assert back.manifest["scenario_sha256"] == small_scenario.sha256
    assert back.manifest["resolved_scenario"]["instruments"]["UI-10"]["ratio"] == 0.9


def test_replications_are_labelled_and_differ(small_scenario):
    res = sim.run(small_scenario.path, persons=2000, months=4, reps=2)
    assert set(res.outcomes["rep"]) == {0, 1}
    assert {"p5", "p50", "p95"} <= set(res.budget.columns)
    a, b = (res.outcomes[res.outcomes["rep"] == k]["value"].to_numpy() for k in (0, 1))
    assert not np.array_equal(a, b)


def test_downturn_raises_layoffs_and_ui_cost_on_common_random_numbers():
    base = simulate(sim.load_scenario("scenarios/liupanshui-2023.toml", persons=4000, months=12, seed=3))
    shock = simulate(sim.load_scenario("scenarios/liupanshui-2023-downturn.toml", persons=4000, months=12, seed=3))
    before = slice(0, 3)                     # identical until the shock starts in 2024-04 (same draws)
    assert (base.outcomes[before] == shock.outcomes[before]).all()
    assert (base.ledger_fen[before] == shock.ledger_fen[before]).all()
    after = slice(3, 12)
    assert shock.outcomes[after, O.separations_involuntary].sum() > base.outcomes[after, O.separations_involuntary].sum()
    assert shock.outcomes[after, O.firm_exits].sum() > base.outcomes[after, O.firm_exits].sum()
    # UI cost, not total cost: with the calibrated (low) turnover the downturn's fewer vacancies also cut
    # hire-linked subsidies, which may outweigh the extra UI (docs/calibration.md §4)
    ui = [k for k, ins in enumerate(base.instruments) if ins.type == InstrumentType.ui_benefit]
    assert shock.ledger_fen[:, ui].sum() > base.ledger_fen[:, ui].sum()


def test_economy_multiplier_out_of_range_is_reported(tmp_path):
    from sim.params import ScenarioError
    path = write_reform(tmp_path, '[economy]\nseparation_multiplier = { "2024-01" = -1.0 }\n')
    with pytest.raises(ScenarioError) as error:
        sim.load_scenario(path)
    assert "economy.separation_multiplier" in str(error.value) and "-1.0" in str(error.value)


def test_ui_target_groups_see_the_flags_of_the_month_of_the_claim(tmp_path):
    """A claim is made after the month's flags are computed, so a target such as reg_unemployed (which a
    person only has once unemployed) can be met; an excluded group never claims."""
    targeted = write_reform(tmp_path, '[instruments.UI-10]\ntarget = ["reg_unemployed"]\n', "targeted.toml")
    excluded = write_reform(tmp_path, '[instruments.UI-10]\nexclude = ["reg_unemployed"]\n', "excluded.toml")
    base = simulate(sim.load_scenario(UI_ONLY, persons=4000, months=10, seed=4))
    with_target = simulate(sim.load_scenario(targeted, persons=4000, months=10, seed=4))
    with_exclusion = simulate(sim.load_scenario(excluded, persons=4000, months=10, seed=4))
    claims = O.ui_claims_new
    assert with_target.outcomes[:, claims].sum() == base.outcomes[:, claims].sum() > 0
    assert with_exclusion.outcomes[:, claims].sum() == 0


def test_scenario_and_locality_problems_are_reported_together(tmp_path):
    """Validation reports every problem at once: a bad scenario value and a bad locality value together."""
    import shutil
    from sim.params import ScenarioError
    locality = tmp_path / "calibration" / "brokenville"
    locality.mkdir(parents=True)
    shutil.copy(LIUPANSHUI_PATH.parents[1] / "calibration" / "liupanshui" / "behaviour.toml", locality)
    profile = (LIUPANSHUI_PATH.parents[1] / "calibration" / "liupanshui" / "profile.toml").read_text(encoding="utf-8")
    (locality / "profile.toml").write_text(profile.replace("female_share = { value = 0.48", "female_share = { value = 1.48"),
                                           encoding="utf-8")
    scenario = tmp_path / "broken.toml"
    scenario.write_text('[scenario]\nname = "b"\ntitle_zh = "坏"\nlocality = "brokenville"\nstart = "2024-01"\n'
                        'months = 0\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        sim.load_scenario(scenario)
    keys = {problem.key for problem in error.value.problems}
    assert {"scenario.months", "population.female_share"} <= keys


def test_take_up_reform_changes_no_other_draw(tmp_path):
    """Common random numbers: with UI take-up at 0.5 instead of 1, the month's moves are the same person
    by person, and those who claim are a subset of those who claim at full take-up."""
    reform = write_reform(tmp_path, "[instruments.UI-10]\ntake_up = 0.5\n")
    snapshots = {}

    def first_month(label):
        def observe(t, population):
            if t == 0:
                snapshots[label] = population.persons.data.copy()
        return observe

    simulate(sim.load_scenario(UI_ONLY, persons=6000, months=1, seed=9), observe=first_month("full"))
    simulate(sim.load_scenario(reform, persons=6000, months=1, seed=9), observe=first_month("half"))
    full, half = snapshots["full"], snapshots["half"]
    assert (full["state"] == half["state"]).all() and (full["employer"] == half["employer"]).all()
    claimed_full = (full["ui_status"] == 1) & (full["ui_contrib_months"] == 0) & (full["state_months"] == 0)
    claimed_half = (half["ui_status"] == 1) & (half["ui_contrib_months"] == 0) & (half["state_months"] == 0)
    assert claimed_half.sum() > 0 and claimed_full.sum() > claimed_half.sum()
    assert not (claimed_half & ~claimed_full).any()


def test_year_end_close_records_last_years_accounts():
    """In January the firms' year-end close moves the year's contributions and layoffs to 'last year',
    computes the average insured headcount and layoff rate, and reviews the size class."""
    scenario = sim.load_scenario(UI_ONLY, persons=5000, months=13, seed=21)
    seen = {}

    def observe(t, population):
        if t in (11, 12):
            seen[t] = population.firms.data.copy()

    record = simulate(scenario, observe=observe)
    december, january = seen[11], seen[12]
    assert (january["ui_contrib_last"] == december["ui_contrib_year"]).all()
    assert (january["layoffs_last"] == december["layoffs_year"]).all()
    public_posts = record.outcomes[:12, O.stock_public_job]            # posts pay UI too (at the floor base)
    assert december["ui_contrib_year"].sum() <= record.revenue_fen[:12].sum()
    alive = december["alive"] == 1
    months = np.minimum(12, 12 - december["founded_month"][alive].astype(np.int64))   # firms born this year
    average = december["insured_sum_year"][alive] / months
    assert np.allclose(january["insured_avg_last"][alive], average)
    staffed = average > 0
    assert np.allclose(january["layoff_rate_last"][alive][staffed],
                       december["layoffs_year"][alive][staffed] / average[staffed])
    thresholds = np.array(scenario.profile["firms"]["size_thresholds"])
    expected_size = (average[:, None] >= thresholds[None, :]).sum(axis=1)
    assert (january["size_class"][alive] == expected_size).all()
    assert (months < 12).any() and (expected_size > 0).any()          # both branches exercised
    assert public_posts.sum() > 0


def test_replicated_run_without_payments_gives_an_empty_budget(tmp_path):
    path = write_reform(tmp_path, "[instruments.UI-10]\nenabled = false\n")
    res = sim.run(path, persons=1000, months=3, reps=2)
    assert res.budget.empty and {"p5", "p50", "p95"} <= set(res.budget.columns)


@pytest.mark.parametrize("file, old, new, key", [
    ("behaviour.toml", "to_inactive = { value = 0.002, unit", "to_inactive = { value = 0.999, unit", "flexible.to_employed"),
    ("profile.toml", "men_target_age = { value = 63", "men_target_age = { value = 59", "retirement.men_target_age"),
    ("profile.toml", "[10, 100, 300]", "[10, 300, 100]", "firms.size_thresholds"),
])
def test_locality_cross_checks(tmp_path, file, old, new, key):
    """Exits decided by one draw must not sum above 1; target retirement ages not below base ages; size
    thresholds increasing — each reported with its key."""
    import shutil
    from sim.params.locality import load_locality
    source = LIUPANSHUI_PATH.parents[1] / "calibration" / "liupanshui"
    for name in ("profile.toml", "behaviour.toml"):
        shutil.copy(source / name, tmp_path / name)
    text = (tmp_path / file).read_text(encoding="utf-8")
    assert old in text
    (tmp_path / file).write_text(text.replace(old, new), encoding="utf-8")
    problems = load_locality(tmp_path)[3]
    assert [p.key for p in problems] == [key]


def test_posts_kept_by_the_retirement_reform_ration_next_months_job_finding():
    """D49, by hand: district 0 has 40 vacancies for 100 expected local finds (θ = 0.4) and 10 more posts
    its holders now keep past their pre-reform retirement month (θ = 0.4 − 10/100 = 0.3); district 1 has
    enough vacancies and lost 5 such workers to retirement or another exit (θ = 1 + 5/50 = 1.1, those
    replacement hires are made now); district 2 keeps 30 posts for 20 finds (θ = 0, never below)."""
    from sim.engine import _tightness
    from sim.kernels import layout as L
    district_start = np.array([0, 2, 3, 4])
    cum_vacancies = np.cumsum([15, 25, 80, 10])
    search_mass = np.array([[60, 30, 20], [40, 20, 0]]) * L.MASS_SCALE     # two chunks
    held = np.array([[4, -5, 30], [6, 0, 0]])
    theta = _tightness(district_start, cum_vacancies, search_mass, held, 1.0)
    assert theta == pytest.approx([0.3, 1.1, 0.0])
    assert _tightness(district_start, cum_vacancies, search_mass, held, 0.0) == pytest.approx([0.4, 1.0, 0.5])


def test_replacement_hiring_changes_nothing_before_the_retirement_reform(tmp_path):
    """Jiulongpo 2020 runs (warm-up included) before 2025-01: nobody is delayed, the share is inert."""
    from sim.params.compile import load_scenario
    from tests.conftest import ROOT
    path = ROOT / "scenarios" / "jiulongpo-2020.toml"
    runs = [sim.run(load_scenario(path, persons=1500, set={"behaviour.job_finding.replacement_share": share}))
            for share in (0.0, 1.0)]
    assert runs[0].costs.equals(runs[1].costs) and runs[0].outcomes.equals(runs[1].outcomes)
