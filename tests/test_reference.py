"""The NumPy reference (tests/reference.py) against the numba person kernel: bit-identical, month by month.

DESIGN §11 "Reference". Both sides start from identical copies of one synthetic Liupanshui population and
are stepped by the same month loop (`reference.MonthDriver`, a copy of `sim.engine.simulate`'s loop; the
firm kernels and the reductions are shared, only the person pass differs). After every month the person
records, the per-chunk accumulators, the per-chunk firm accumulators, the firms and the month record
(θ, public-job ratio) must be equal byte for byte.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import numpy as np
import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
sys.path.insert(0, str(TESTS))

import reference as R  # noqa: E402

import sim  # noqa: E402
from sim import rng  # noqa: E402
from sim.codes import EntityKind, Outcome, Slot  # noqa: E402
from sim.engine import simulate  # noqa: E402
from sim.kernels import layout as L  # noqa: E402
from sim.kernels.persons import person_month  # noqa: E402

SCENARIO = REPO / "scenarios" / "liupanshui-2023.toml"   # starts 2024-01
PERSONS = 3000
MONTHS = 20            # Jan 2024 … Aug 2025: two graduation months (July) and a year-end close (Jan 2025)


@pytest.fixture(scope="module")
def scenario():
    return sim.load_scenario(SCENARIO, persons=PERSONS, months=MONTHS)


def _differences(a: R.MonthDriver, b: R.MonthDriver) -> list[str]:
    """Human-readable list of everything that is not byte-identical between two sides."""
    out = []
    for label, x, y in (("persons", a.P, b.P), ("chunks", a.chunks, b.chunks),
                        ("firm_chunks", a.firm_chunks, b.firm_chunks), ("firms", a.F, b.F),
                        ("month", a.month, b.month)):
        for name in x.dtype.names:
            if x[name].tobytes() != y[name].tobytes():
                where = np.argwhere(x[name] != y[name])[:3].tolist() or "bit pattern only (±0.0 / NaN)"
                out.append(f"{label}.{name} at {where}")
    return out


def _step_both(kernel: R.MonthDriver, ref: R.MonthDriver, months: int, *, overrides=None, trace=None):
    """Step both sides; assert identity after every month. Returns the calendar months visited."""
    visited = []
    reference_pass = functools.partial(R.person_month_reference, trace=trace)
    for t in range(months):
        o = overrides(t) if callable(overrides) else overrides
        visited.append(kernel.step(person_month, o))
        ref.step(reference_pass, o)
        diff = _differences(kernel, ref)
        assert not diff, f"month t={t} (calendar month {visited[-1]}): reference ≠ kernel: {diff}"
        assert kernel.P.tobytes() == ref.P.tobytes()
    return visited


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


def test_sequential_sums_add_in_order():
    gen = np.random.default_rng(3)
    groups = gen.integers(0, 5, 4000)
    values = gen.random(4000) * 10.0 ** gen.integers(-8, 8, 4000)
    initial = gen.random(5)
    expected = initial.copy()
    for g, v in zip(groups, values):
        expected[g] += v                                       # the kernel's `+=` in person order
    got = R._Acc.sequential_sums(initial, groups, values)
    assert got.tobytes() == expected.tobytes()
    assert not all(np.sum(values[groups == g]) + initial[g] == expected[g] for g in range(5)), \
        "data too easy: pairwise and sequential sums agree, the check above would not catch a pairwise sum"


def test_driver_mirrors_engine(scenario):
    """MonthDriver (used to step the two sides) reproduces sim.engine.simulate with the kernel."""
    record = simulate(scenario)
    driver = R.MonthDriver(scenario)
    for t in range(MONTHS):
        driver.step(person_month)
        assert np.array_equal(driver.outcomes, record.outcomes[t]), f"month {t}"
    assert driver.P.tobytes() == record.population.persons.data.tobytes()
    assert driver.F.tobytes() == record.population.firms.data.tobytes()


# ---- the reference against the kernel --------------------------------------------------------------
@pytest.mark.parametrize("n_chunks", [64, 3], ids=["engine-chunks", "3-chunks"])
def test_reference_matches_kernel(scenario, n_chunks):
    """Default behaviour, month by month. With 3 chunks each chunk sums hundreds of search-mass terms,
    so a pairwise (NumPy `sum`) instead of sequential addition would show up."""
    kernel = R.MonthDriver(scenario, n_chunks=n_chunks)
    ref = kernel.copy()
    trace: dict[str, int] = {}
    visited = _step_both(kernel, ref, MONTHS, trace=trace)
    assert 7 in visited and visited.count(1) == 2, visited          # graduation month and a year-end close
    assert trace["student->hire"] > 0 and trace["employed->unemployed"] > 0 and trace["unemployed->hire"] > 0
    assert trace["ui:benefit_paid"] > 0 and trace["claim:granted"] > 0


# Behaviour scaled so that every rule fires within two years on 3000 persons.
STRESS_SCALE = {
    "SEP_BASE": 6, "SEP_AWAY_BASE": 6, "REG_LATE": 5, "EX_TRAINING": 5, "EX_INTERNSHIP": 4,
    "EX_SELF_EMPLOYMENT": 6, "EX_FLEXIBLE": 3, "EX_PUBLIC_JOB": 8, "EX_INACTIVE": 3, "SE_FAIL_Y1": 40,
    "SE_FAIL_Y2": 15, "SE_FAIL_Y3": 10, "SE_FAIL_Y4": 10, "FL_TO_EMPLOYED": 5, "FL_TO_UNEMPLOYED": 8,
    "FL_TO_INACTIVE": 8, "PJ_TO_EMPLOYED": 6, "IA_TO_UNEMPLOYED": 10, "IA_TO_EMPLOYED": 10, "IA_FROM_LONG": 3,
    "FIRM_VACANCY_RATE": 0.4,          # scarce vacancies: rationing θ < 1 and districts without vacancies
}
STRESS_SET = {"PJ_MAX_MONTHS": 8, "TR_BOOST_LAG": 1, "TR_BOOST_MONTHS": 6}

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
    "intern->none", "intern->hire", "intern->unemployed",
    "self_employed->none", "self_employed->hire", "self_employed->unemployed",
    "flexible->none", "flexible->hire", "flexible->unemployed", "flexible->inactive",
    "public_job->none", "public_job->hire", "public_job->unemployed",
    "inactive->none", "inactive->hire", "inactive->unemployed",
    "retire", "retire:natural_attrition",
    "hire:local_firm", "hire:away_cross_county", "hire:away_cross_province",
    "hire:no_vacancy_then_none", "hire:no_vacancy_then_unemployed",
    "register:after_layoff", "claim:granted", "claim:refused", "claim:aid_for_ineligible",
    "ui:benefit_paid", "ui:top_up_paid", "ui:to_retirement_paid", "ui:expired_to_retirement",
    "ui:expired_to_aid", "ui:expired_exhausted", "ui:aid_paid", "ui:aid_over",
)
OUTCOMES = ("entries_to_employment", "natural_attrition", "reemployed_unemployed", "difficulty_employed",
            "separations_involuntary", "separations_other", "business_starts", "business_closures",
            "graduates_entering", "graduates_placed", "graduates_cohort", "graduates_employed", "retirements",
            "hires_from_unemployment", "labour_force_exits_to_inactive", "ui_claims_new", "ui_recipients",
            "ui_aid_recipients", "registered_unemployed", "stock_employed_away", "firm_exits", "firm_births")


def _stress_overrides(n_districts: int):
    top_up = np.where(np.arange(n_districts) % 2 == 0, 0, 3000)     # some districts with a top-up
    def overrides(t: int) -> dict:
        o = {"sep_multiplier": 1.7, "continue_within": 60, "aid_for_ineligible": True, "top_up_fen": top_up}
        if t in (4, 5):
            o["ui_active"] = False                                      # instrument out of force
        if t >= 12:
            o["registration_required"] = False
        if t >= 16:
            o["aid_months"] = 0                                         # expiry straight to EXHAUSTED
        return o
    return overrides


@pytest.mark.parametrize("n_chunks", [7, 64])
def test_reference_matches_kernel_every_event(n_chunks):
    """Frequent events, the UI instrument switched off and on, aid for the ineligible, top-ups,
    continuation to retirement, firm closures; every branch must occur (the test is not vacuous)."""
    months = 24
    scenario = sim.load_scenario(SCENARIO, persons=PERSONS, months=months)
    beh = _stress_beh(R.MonthDriver(scenario))
    kernel = R.MonthDriver(scenario, beh=beh, n_chunks=n_chunks)
    kernel.inputs.mult[L.M_FIRM_EXIT] *= 5                            # firms close: forced separations
    ref = kernel.copy()
    trace: dict[str, int] = {}
    totals = np.zeros_like(kernel.outcomes)

    overrides = _stress_overrides(kernel.n_districts)
    for t in range(months):
        _step_both(kernel, ref, 1, overrides=overrides(t), trace=trace)
        totals += kernel.outcomes
    missing = [b for b in BRANCHES if trace.get(b, 0) == 0]
    assert not missing, f"branches never taken: {missing}"
    zero = [o for o in OUTCOMES if totals[Outcome[o]] == 0]
    assert not zero, f"outcomes never counted: {zero}"
    assert trace["hire:no_vacancy_then_none"] + trace["hire:no_vacancy_then_unemployed"] > 0


def _stress_beh(driver: R.MonthDriver) -> np.ndarray:
    beh = driver.inputs.beh.copy()
    for name, factor in STRESS_SCALE.items():
        beh[getattr(L, name)] *= factor
    for name, value in STRESS_SET.items():
        beh[getattr(L, name)] = value
    return beh


def test_reference_at_field_limits():
    """Counters at their caps (int16 spells and contribution months, skill 3, 255 certificates, 127
    placements), benefits about to run out, and job-finding hazards above 1 (the min(…, 1) clamp)."""
    months = 8
    scenario = sim.load_scenario(SCENARIO, persons=PERSONS, months=months)
    beh = _stress_beh(R.MonthDriver(scenario))
    beh[L.JF_BASE] = 2.5
    kernel = R.MonthDriver(scenario, beh=beh, n_chunks=5)
    P = kernel.P
    gen = np.random.default_rng(11)
    for name, values in (("state_months", (32766, 32767)), ("contrib_months", (32766, 32767)),
                         ("ui_contrib_months", (32766, 32767)), ("public_job_months", (32766, 32767)),
                         ("skill", (2, 3)), ("certificates", (254, 255)), ("placements", (126, 127)),
                         ("ui_left", (0, 1, 2, 3))):
        who = gen.random(len(P)) < 0.15
        P[name][who] = gen.choice(values, who.sum())
    ref = kernel.copy()
    trace: dict[str, int] = {}
    _step_both(kernel, ref, months, overrides=_stress_overrides(kernel.n_districts), trace=trace)
    assert trace["unemployed:hazard_capped"] > 0 and trace["unemployed:ui_exhausting"] > 0
    assert trace["public_job->unemployed"] > 0 and trace["training:certificate"] > 0


def test_reference_with_empty_chunks():
    """More chunks than persons (some chunks are empty): both sides agree and empty chunks stay zero."""
    small = sim.load_scenario(SCENARIO, persons=100, months=8)
    kernel = R.MonthDriver(small, n_chunks=256)
    assert len(kernel.P) < 256
    ref = kernel.copy()
    _step_both(kernel, ref, 8)
    bounds = len(kernel.P) * np.arange(257) // 256
    empty = np.flatnonzero(np.diff(bounds) == 0)
    assert empty.size and not ref.chunks[empty].tobytes().strip(b"\0")


def test_reference_key_is_the_kernels():
    """The reference draws under the same month key as persons.person_month (EntityKind.PERSON)."""
    run = np.uint64(rng.run_key(20231113, 0))
    for t in (0, 1, 17):
        assert R.month_key(run, EntityKind.PERSON, t) == np.uint64(rng.month_key(run, EntityKind.PERSON, t))
