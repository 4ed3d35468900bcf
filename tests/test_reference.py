"""The NumPy reference (tests/reference.py) against the numba person kernel: bit-identical, month by month.

DESIGN §11 "Reference". `reference.SideBySide` stands in for `sim.engine.person_month` inside the
engine's own month loop (`sim.engine.simulate`): every month the kernel and the reference each get their
own copy of identical inputs (month record, persons, firms, cumulative vacancies, zeroed per-chunk
accumulators), and afterwards the persons (every field), the chunk accumulators (outcomes, revenue,
ledger cells, the fixed-point sums search_mass and public_job_mass), the per-chunk firm accumulators and the
read-only inputs must be equal byte for byte. The run then continues from the kernel's results.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import sim  # noqa: E402
import sim.engine  # noqa: E402
import sim.packing  # noqa: E402
from sim import rng  # noqa: E402
from sim.codes import CostLine, EntityKind, GroupFlag, InstrumentType, Outcome, Slot  # noqa: E402
from sim.engine import simulate  # noqa: E402
from sim.kernels import layout as L  # noqa: E402
from sim.kernels.money import to_fen  # noqa: E402
from tests import reference as R  # noqa: E402

SCENARIO = REPO / "scenarios" / "liupanshui-2023.toml"            # starts 2024-01
DOWNTURN = REPO / "scenarios" / "liupanshui-2023-downturn.toml"
HIRING_BONUS = REPO / "tests" / "fixtures" / "hiring_bonus.toml"   # ui_benefit + two hiring bonuses
PERSONS = 3000
MONTHS = 20            # Jan 2024 … Aug 2025: two graduation months (July), a year-end close (Jan 2025)


def _load(path, **overrides):
    """A scenario with the instruments the reference runs (ui_benefit, hiring_bonus, and the firm-level
    stabilization_refund and fixed_award); every other type is switched off (the reference refuses them)."""
    return R.reference_scenario(sim.load_scenario(path, **overrides))


def _run(monkeypatch, scenario, harness: R.SideBySide, *, n_chunks: int | None = None, inputs_hook=None):
    """simulate() with the person pass replaced by the side-by-side harness; asserts identity."""
    monkeypatch.setattr(sim.engine, "person_month", harness)
    if n_chunks is not None:
        monkeypatch.setattr(sim.engine, "N_CHUNKS", n_chunks)
    if inputs_hook is not None:
        real = sim.packing.kernel_inputs

        def kernel_inputs(*args, **kwargs):
            inputs = real(*args, **kwargs)
            inputs_hook(inputs)
            return inputs
        monkeypatch.setattr(sim.packing, "kernel_inputs", kernel_inputs)
    record = simulate(scenario)
    assert harness.months == list(range(scenario.months)), "the person pass did not run every month"
    assert not harness.mismatches, "reference ≠ kernel:\n" + "\n".join(harness.mismatches[:5])
    assert harness.identical
    return record


# ---- building blocks --------------------------------------------------------------------------------
def test_rng_port_equals_sim_rng():
    gen = np.random.default_rng(7)
    for _ in range(20):
        run = np.uint64(gen.integers(0, 2**63, dtype=np.uint64) * np.uint64(2) + np.uint64(1))
        month = int(gen.integers(-40, 600))               # set-up draws use negative months
        kind = int(gen.integers(0, 5))
        key = R.month_key(run, kind, month)
        assert key == np.uint64(rng.month_key(run, kind, month))
        entities = gen.integers(0, 2**48, 300)
        for slot in (0, Slot.SEPARATION_KIND, Slot.TAKE_UP, Slot.LATE_REGISTER, 95, 255):
            expected = np.array([rng.uniform(key, np.int64(e), slot) for e in entities])
            got = R.uniform(key, entities, slot)
            assert got.tobytes() == expected.tobytes()
    z = gen.integers(0, 2**63, 200, dtype=np.uint64) * np.uint64(2)
    assert R.mix64(z).tobytes() == np.array([rng.mix64(np.uint64(v)) for v in z], np.uint64).tobytes()
    run = np.uint64(rng.run_key(20231113, 0))
    for t in (-1, 0, 1, 17):
        assert R.month_key(run, EntityKind.PERSON, t) == np.uint64(rng.month_key(run, EntityKind.PERSON, t))


def test_to_fen_port_equals_kernel():
    gen = np.random.default_rng(5)
    yuan = np.concatenate([gen.random(2000) * 5000.0, np.round(gen.random(500) * 5000.0, 2) + 0.005,
                           [0.085 * 1701, 0.0, 0.005, 0.015, 1e-9, 144.585, 1234.565]])
    expected = np.array([to_fen(float(y)) for y in yuan], np.int64)
    assert R.to_fen(yuan).tobytes() == expected.tobytes()


# ---- the reference against the kernel, inside the engine's month loop -------------------------------
def test_harness_is_transparent(monkeypatch):
    """Running the harness changes nothing in the engine's results."""
    scenario = _load(SCENARIO, persons=PERSONS, months=8)
    plain = simulate(scenario)
    record = _run(monkeypatch, scenario, R.SideBySide())
    for name in ("outcomes", "ledger_fen", "ledger_count", "revenue_fen", "ui_fund_balance_fen", "theta"):
        assert np.array_equal(getattr(plain, name), getattr(record, name)), name
    assert plain.population.persons.data.tobytes() == record.population.persons.data.tobytes()


@pytest.mark.parametrize("n_chunks", [None, 3], ids=["engine-chunks", "3-chunks"])
def test_reference_matches_kernel(monkeypatch, n_chunks):
    """Bundled scenario, ≥ 18 months incl. two Julys and a January close, with the engine's chunks and
    with 3 (chunk boundaries and accumulator rows differ; results may not)."""
    scenario = _load(SCENARIO, persons=PERSONS, months=MONTHS)
    trace: dict[str, int] = {}
    record = _run(monkeypatch, scenario, R.SideBySide(trace=trace), n_chunks=n_chunks)
    calendar = [(int(scenario.start[5:]) - 1 + t) % 12 + 1 for t in range(MONTHS)]
    assert calendar.count(7) == 2 and calendar.count(1) == 2
    assert record.outcomes[:, Outcome.graduates_entering].sum() > 0
    for branch in ("student->hire", "employed->unemployed", "unemployed->hire", "claim:granted", "ui:benefit_paid",
                   "bonus:paid", "unemployed:hiring_response", "employed:skill_certificate"):
        assert trace.get(branch, 0) > 0, branch


def test_reference_matches_kernel_downturn(monkeypatch):
    """[economy] shocks: separation multiplier ≠ 1 in the month record, fewer vacancies, firm exits."""
    scenario = _load(DOWNTURN, persons=PERSONS, months=18)
    trace: dict[str, int] = {}
    _run(monkeypatch, scenario, R.SideBySide(trace=trace))
    assert trace["employed:forced"] > 0


# Behaviour scaled so that every rule fires within two years on 3000 persons.
STRESS_SCALE = {
    "SEP_BASE": 4, "SEP_AWAY_BASE": 6, "REG_LATE": 5, "EX_TRAINING": 5, "EX_INTERNSHIP": 4,
    "EX_SELF_EMPLOYMENT": 6, "EX_FLEXIBLE": 3, "EX_PUBLIC_JOB": 8, "EX_INACTIVE": 3, "SE_FAIL_Y1": 40,
    "SE_FAIL_Y2": 15, "SE_FAIL_Y3": 10, "SE_FAIL_Y4": 10, "FL_TO_EMPLOYED": 5, "FL_TO_UNEMPLOYED": 8,
    "FL_TO_INACTIVE": 8, "PJ_TO_EMPLOYED": 6, "IA_TO_UNEMPLOYED": 10, "IA_TO_EMPLOYED": 10, "IA_FROM_LONG": 3,
    "FIRM_VACANCY_RATE": 0.4,          # scarce vacancies: rationing θ < 1 and districts without vacancies
}
STRESS_SET = {"PJ_MAX_MONTHS": 8, "TR_BOOST_LAG": 1, "TR_BOOST_MONTHS": 6, "IN_EARLY_HIRE": 0.1,
              "SK_EMPLOYED_RATE": 0.01, "RESP_STARTUP_ENTRY": 2.0}


def _stress_inputs(inputs) -> None:
    for name, factor in STRESS_SCALE.items():
        inputs.beh[getattr(L, name)] *= factor
    for name, value in STRESS_SET.items():
        inputs.beh[getattr(L, name)] = value
    inputs.mult[L.M_FIRM_EXIT] *= 5                   # firms close: forced separations


def _stress_overrides(t: int, m) -> dict:
    """Month-record settings the bundled scenario leaves off, switched on and off over the run."""
    top_up = np.where(np.arange(m["top_up_fen"].shape[0]) % 2 == 1, 3000, 0)     # in every other district
    o = {"continue_within": 400 if 8 <= t < 14 else 60, "aid_for_ineligible": True, "top_up_fen": top_up,
         "ui_target": 0, "ui_exclude": 0, "registration_required": t < 12, "aid_months": 6 if t < 16 else 0}
    if t in (4, 5):
        o["ui_active"] = False                        # the instrument out of force
    if t >= 6:                                        # short entitlements (2–4 months): many expiries
        o["schedule_months"] = np.resize(np.array([2, 3, 4], np.int64), sim.packing.MAX_SCHEDULE_ROWS)
    if 6 <= t < 12:                                   # claims limited to a target group, minus an excluded one
        o["ui_target"] = int(GroupFlag.youth_16_24 | GroupFlag.p4050)
        o["ui_exclude"] = int(GroupFlag.migrant_worker)
    if t >= 10:
        o["ui_take_up"] = 0.7
    # responses to instruments the reference does not run, through their month-record summaries: a
    # 稳岗返还 in force for some size classes only, and start-up support for two target groups
    o["refund_sizes"] = 0b0101 if t % 3 else 0
    o["startup_mask"] = (R.ALL_GROUPS if 12 <= t < 18 else                      # an untargeted instrument
                         int(GroupFlag.youth_16_24 | GroupFlag.p4050) if t >= 2 else 0)
    return o


# Every branch of the person pass (keys of the reference's trace) that the stress run must take.
BRANCHES = (
    "student->hire", "student->intern", "student->unemployed", "student->study", "student->inactive",
    "employed->none", "employed->unemployed", "employed->inactive", "employed->flexible",
    "employed:forced", "employed:involuntary", "employed_away:separation",
    "unemployed->none", "unemployed->hire", "unemployed->public_job", "unemployed->intern",
    "unemployed->training", "unemployed->self_employed", "unemployed->flexible", "unemployed->inactive",
    "unemployed->register", "unemployed:rationed", "unemployed:training_boost", "unemployed:school_leaver",
    "unemployed:ui_exhausting",
    "training->none", "training->search", "training:certificate",
    "intern->none", "intern->hire", "intern->unemployed", "intern:early_hire",
    "self_employed->none", "self_employed->hire", "self_employed->unemployed",
    "flexible->none", "flexible->hire", "flexible->unemployed", "flexible->inactive",
    "public_job->none", "public_job->hire", "public_job->unemployed",
    "inactive->none", "inactive->hire", "inactive->unemployed",
    "retire", "retire:natural_attrition",
    "hire:local_firm", "hire:away_cross_county", "hire:away_cross_province",
    "hire:no_vacancy_then_none", "hire:no_vacancy_then_unemployed",
    "employed:skill_certificate", "employed:layoff_cut", "unemployed:startup_entry", "self_employed:supported",
    "unemployed:startup_entry_without_flags",
    "unemployed:hiring_response", "bonus:paid",
    "register:after_layoff", "claim:granted", "claim:refused", "claim:aid_for_ineligible",
    "claim:not_in_target_group", "claim:excluded_group",
    "ui:benefit_paid", "ui:top_up_paid", "ui:to_retirement_paid", "ui:expired_to_retirement",
    "ui:expired_to_aid", "ui:expired_exhausted", "ui:aid_paid", "ui:aid_over",
)
OUTCOMES = ("entries_to_employment", "natural_attrition", "reemployed_unemployed", "difficulty_employed",
            "separations_involuntary", "separations_other", "business_starts", "business_closures",
            "graduates_entering", "graduates_placed", "graduates_cohort", "graduates_employed", "retirements",
            "hires_from_unemployment", "labour_force_exits_to_inactive", "ui_claims_new", "ui_recipients",
            "ui_aid_recipients", "registered_unemployed", "stock_employed_away", "firm_exits", "firm_births",
            "training_completions", "training_certificates", "skill_certificates", "interns_retained")


@pytest.mark.parametrize("n_chunks", [7, None], ids=["7-chunks", "engine-chunks"])
def test_reference_matches_kernel_every_event(monkeypatch, n_chunks):
    """Frequent events, the UI instrument out of force and back, target groups, aid for the ineligible,
    top-ups, continuation to retirement, firm closures: and every branch must occur (not vacuous)."""
    scenario = _load(SCENARIO, persons=PERSONS, months=24)
    trace: dict[str, int] = {}
    record = _run(monkeypatch, scenario, R.SideBySide(overrides=_stress_overrides, trace=trace),
                  n_chunks=n_chunks, inputs_hook=_stress_inputs)
    missing = [b for b in BRANCHES if trace.get(b, 0) == 0]
    assert not missing, f"branches never taken: {missing}"
    totals = record.outcomes.sum(axis=0)
    zero = [o for o in OUTCOMES if totals[Outcome[o]] == 0]
    assert not zero, f"outcomes never counted: {zero}"


def _at_limits(P) -> None:
    """Counters at their caps, retirement close to the near-retirement and UI-continuation thresholds."""
    gen = np.random.default_rng(11)
    for name, values in (("state_months", (32766, 32767)), ("contrib_months", (32766, 32767)),
                         ("ui_contrib_months", (32766, 32767)), ("public_job_months", (32766, 32767)),
                         ("skill", (2, 3)), ("certificates", (254, 255)), ("placements", (126, 127)),
                         ("ui_left", (0, 1, 2, 3))):
        who = gen.random(len(P)) < 0.15
        P[name][who] = gen.choice(values, who.sum())
    who = (gen.random(len(P)) < 0.2) & (P["retire_month"] > 0)
    P["retire_month"][who] = gen.choice((3, 11, 12, 13, 14, 59, 60, 61, 62, 63, 64), who.sum())
    claimant = who & (P["ui_status"] == L.UI_BENEFIT)
    P["ui_left"][claimant] = gen.choice((1, 2), claimant.sum())
    # and, whatever the draws, a few claimants whose benefit runs out less than a year before retirement
    near = np.flatnonzero(P["state"] == 2)[:12]                  # UNEMPLOYED
    P["ui_status"][near], P["ui_left"][near], P["retire_month"][near] = L.UI_BENEFIT, 1, 6
    P["bits"][near] |= 1                                           # registered
    # higher-education school leavers around the January boundary of graduate_year
    left = (gen.random(len(P)) < 0.3) & (P["education"] >= 4) & (P["state"] != 0)
    P["school_leave_month"][left] = gen.choice((-13, -12, -1, 0, 1, 12), left.sum())


def test_reference_at_field_limits(monkeypatch):
    """Counters at their caps (int16 spells and contribution months, skill 3, 255 certificates, 127
    placements), benefits running out near retirement, and job-finding hazards above 1 (the clamp)."""
    scenario = _load(SCENARIO, persons=PERSONS, months=8)

    def inputs_hook(inputs):
        _stress_inputs(inputs)
        inputs.mult[L.M_JF_SKILL, 3] = 9.0            # advanced skill: hazard above 1 before the clamp
        inputs.beh[L.SK_EMPLOYED_RATE] = 0.3          # employees' certificates reach the skill and count caps
    trace: dict[str, int] = {}
    _run(monkeypatch, scenario, R.SideBySide(overrides=_stress_overrides, before_first=_at_limits, trace=trace),
         n_chunks=5, inputs_hook=inputs_hook)
    for branch in ("unemployed:hazard_capped", "unemployed:ui_exhausting", "public_job->unemployed",
                   "training:certificate", "employed:skill_certificate", "ui:expired_to_retirement", "retire"):
        assert trace.get(branch, 0) > 0, branch


def test_reference_with_empty_chunks(monkeypatch):
    """More chunks than persons: both sides agree, and empty chunks stay zero."""
    scenario = _load(SCENARIO, persons=100, months=8)
    seen = {}

    class Harness(R.SideBySide):
        def __call__(self, *args):
            super().__call__(*args)
            seen["n"], seen["CA"] = args[1].shape[0], args[-2].copy()
    _run(monkeypatch, scenario, Harness(), n_chunks=256)
    bounds = seen["n"] * np.arange(257) // 256
    empty = np.flatnonzero(np.diff(bounds) == 0)
    assert empty.size and not seen["CA"][empty].tobytes().strip(b"\0")


# ---- person-level instruments: hiring_bonus -----------------------------------------------------------
BONUS_BRANCHES = ("bonus:paid", "bonus:group_blocked", "bonus:short_contract", "bonus:size_excluded",
                  "bonus:outside_valid")


@pytest.mark.parametrize("responses, n_chunks", [(True, None), (False, 5)], ids=["responses", "static-5-chunks"])
def test_reference_matches_kernel_hiring_bonus(monkeypatch, tmp_path, responses, n_chunks):
    """Two hiring bonuses of one exclusive group (tests/fixtures/hiring_bonus.toml): vesting 3 months and
    in the hire month, minimum contracts, firm size classes, a `valid` window inside the run, by-month
    take-up, targets and an exclusion; with the hiring response (ε × value of the subsidies ÷ labour cost)
    and without ([run] responses = false). The bonuses' ledger must match bit for bit and not be empty."""
    path = HIRING_BONUS
    if not responses:
        path = tmp_path / "static.toml"
        path.write_text(f'[scenario]\nextends = "{HIRING_BONUS.as_posix()}"\nname = "hiring-bonus-static"\n'
                        '[run]\nresponses = false\n', encoding="utf-8")
    scenario = sim.load_scenario(path, persons=PERSONS, months=MONTHS)
    enabled = [ins for ins in scenario.instruments if ins.enabled]
    bonuses = [k for k, ins in enumerate(enabled) if ins.type == InstrumentType.hiring_bonus]
    assert len(bonuses) == 2
    trace: dict[str, int] = {}
    harness = R.SideBySide(trace=trace)
    record = _run(monkeypatch, scenario, harness, n_chunks=n_chunks)
    reference_fen, reference_count = np.stack(harness.reference_ledger_fen), np.stack(harness.reference_ledger_count)
    for k in bonuses:
        assert reference_fen[:, k].tobytes() == record.ledger_fen[:, k].tobytes()
        assert reference_count[:, k].tobytes() == record.ledger_count[:, k].tobytes()
        paid = record.ledger_count[:, k, CostLine.main].sum()
        assert paid > 0, record.instruments[k].id
        amount = to_fen(float(record.instruments[k].params["amount"][0]))
        assert record.ledger_fen[:, k].sum() == paid * amount          # one payment per vested claim
        assert record.ledger_fen[:, k].sum() == record.ledger_fen[:, k, CostLine.main].sum()
    first, last = record.instruments[bonuses[0]].first, record.instruments[bonuses[0]].last
    vesting = record.instruments[bonuses[0]].params["vesting_months"]
    paying = record.ledger_count[:, bonuses[0], CostLine.main].sum(axis=1) > 0
    assert not paying[:first + vesting].any() and not paying[last + 1:].any()   # hire month and payment in `valid`
    missing = [b for b in BONUS_BRANCHES if trace.get(b, 0) == 0]
    assert not missing, f"bonus rules never exercised: {missing}"
    assert (trace.get("unemployed:hiring_response", 0) > 0) == responses


def test_reference_refuses_other_instrument_types(monkeypatch):
    """A person-level type the reference does not implement stops the run with the type's name."""
    scenario = sim.load_scenario(SCENARIO, persons=200, months=1)
    assert any(ins.enabled and ins.type == InstrumentType.hiring_si_subsidy for ins in scenario.instruments)
    monkeypatch.setattr(sim.engine, "person_month", R.SideBySide())
    with pytest.raises(NotImplementedError, match="hiring_si_subsidy"):
        simulate(scenario)


def test_hiring_bonus_vesting_reaches_month_record(monkeypatch):
    """The month record the kernel and the reference read holds each bonus's vesting_months in bonus_vesting_months."""
    scenario = sim.load_scenario(HIRING_BONUS, persons=200, months=1)
    enabled = [ins for ins in scenario.instruments if ins.enabled]
    seen = {}
    real = sim.engine.person_month

    def person_month(*args):
        seen["bonus_vesting_months"] = args[0][0]["bonus_vesting_months"].copy()
        real(*args)
    monkeypatch.setattr(sim.engine, "person_month", person_month)
    simulate(scenario)
    for k, ins in enumerate(enabled):
        if ins.type == InstrumentType.hiring_bonus:
            assert seen["bonus_vesting_months"][k] == ins.params["vesting_months"], ins.id
