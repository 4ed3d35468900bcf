"""The attribution skips a counterfactual run only where it provably equals the factual without the
instrument's own cells: a self-contained payment outside the person pass (sim.attribution.self_contained)
or a person-level instrument with every channel closed (sim.attribution.person_contained). Every row
skipped on the bundled scenarios is checked here against the counterfactual actually run, to the last bit;
tests/test_attribution_reference.py pins the whole Liupanshui comparison."""
from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from sim import attribution as attr, warmup
from sim.funds import UiFund
from sim.instruments import DECLARATION
from sim.ledger import paid_by_instrument
from sim.params import load_scenario
from sim.params.months import calendar_month
from sim.replicate import month_labels, run_replication
from tests.conftest import LIUPANSHUI, ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
PERSONS, REPS, SEED = 2000, 2, 2024


def _scenario():
    return load_scenario(LIUPANSHUI, persons=2000)


def _factual(path, rep: int, overrides: tuple = ()):
    """One replication's factual run traced as sim.compare traces it: (scenario, state, record, trace, costs)."""
    return _traced(path, rep, overrides)          # one cache key however it is called


@lru_cache(maxsize=2)
def _traced(path, rep: int, overrides: tuple):
    base = load_scenario(path, persons=PERSONS, seed=SEED, set=dict(overrides) or None)
    enabled = sum(ins.enabled for ins in base.instruments)
    trace = attr.FactualTrace(max(enabled, 1), warmup.warmup_months(base))
    done = run_replication(base, rep, states={}, observe=trace)
    return done.scenario, done.state, done.record, trace, done.part["costs"]


def _rows(path, rep: int, ins_id: str, overrides: tuple = ()) -> tuple[dict, dict]:
    """(the row the shortcut gives, the row of the counterfactual run) of one instrument."""
    scenario, state, record, trace, costs = _factual(path, rep, overrides)
    own = costs.groupby("instrument")["amount_yuan"].sum()
    slot = [ins.id for ins in record.instruments].index(ins_id)
    persons, first, hired = trace.subsidised(slot)
    cost = float(own.get(ins_id, 0.0))
    skipped = attr.skipped_effects(persons, hired, record.population.weight, cost)
    ran = attr.run_effects(scenario, rep, state, record, record.instruments[slot], (persons, first, hired), own,
                           lambda s, r: paid_by_instrument(r, month_labels(s)), attr.DEFAULT_WINDOW)
    return skipped, ran


def _same(a: dict, b: dict) -> bool:
    """Equal to the last bit (NaN equal to NaN)."""
    return pd.Series(a).equals(pd.Series(b)) and list(a) == list(b)


# ---- the declarations -----------------------------------------------------------------------------
def test_a_self_contained_type_has_no_channel_into_the_run():
    scenario = _scenario()
    found = set()
    for ins in scenario.instruments:
        declaration = DECLARATION.get(ins.type)
        if declaration is None or not declaration.self_contained:
            continue
        found.add(ins.type)
        assert not declaration.person_level and declaration.pay_outside is not None, ins.id
        assert not declaration.startup_response and not declaration.refund_response, ins.id
        assert declaration.situations(ins.params) == (), ins.id
        assert not declaration.once_per_person(ins.params) and declaration.stated_posts(ins.params) == 0, ins.id
    assert {t.name for t in found} == {"fixed_award", "firm_guaranteed_loan"}


def test_the_types_with_a_state_others_read_are_never_person_contained():
    """Loans (start-up survival, guarantee capacity), contribution relief (UI revenue, firms' accounts),
    the refund (layoff response, firm-level), ui_benefit (no declaration) and a public post extension
    (longer posts) change the run whatever the scenario."""
    for name in ("guaranteed_loan", "contribution_relief", "stabilization_refund"):
        declaration = next(d for d in DECLARATION.values() if d.type.name == name)
        assert not declaration.person_contained({}), name
    public_job = next(d for d in DECLARATION.values() if d.type.name == "public_job")
    assert public_job.person_contained({"extension_months": 0, "extension_target": ["difficulty"]})
    assert not public_job.person_contained({"extension_months": 6, "extension_target": ["difficulty"]})


def test_an_envelope_on_its_fund_or_an_exclusive_group_makes_the_counterfactual_run():
    scenario = _scenario()
    award = next(ins for ins in scenario.instruments if ins.type.name == "fixed_award")
    assert attr.self_contained(award, scenario)
    fund = next(iter(award.funding))
    enveloped = dataclasses.replace(scenario, budget={fund: (None, "stop")})
    assert not attr.self_contained(award, enveloped)
    assert not attr.self_contained(dataclasses.replace(award, exclusive_group="awards"), scenario)
    refund = next(ins for ins in scenario.instruments if ins.type.name == "stabilization_refund")
    assert not attr.self_contained(refund, scenario)


def test_person_contained_closes_each_channel_of_the_scenario():
    scenario, _, record, _, _ = _factual(LIUPANSHUI, 0)
    by_id = {ins.id: ins for ins in record.instruments}
    decided = {iid: attr.person_contained(ins, scenario, record) for iid, ins in by_id.items()}
    assert decided["SU-04"] and decided["IN-01"] and decided["JS-03"]          # no channel at all
    assert decided["TP-01-poverty"] and not decided["TP-02"]    # a group's last member; the first blocks it
    assert not decided["HS-07"] and not decided["SI-04"]        # hiring response (responses on)
    assert not decided["TR-16"]                                 # a paid course is not also 技能提升 (TR-03)
    assert not decided["SI-11"]                                 # flexible months shared with SI-12
    assert not decided["PW-04"] and not decided["SU-13"]        # stated posts; a loan
    # an envelope on its fund
    enveloped = dataclasses.replace(scenario, budget={next(iter(by_id["SU-04"].funding)): (None, "stop")})
    assert not attr.person_contained(by_id["SU-04"], enveloped, record)
    # with the responses off, the hiring instruments outside an exclusive group have no channel left
    static = dataclasses.replace(scenario, behaviour={**scenario.behaviour, "responses": {
        **scenario.behaviour["responses"], "enabled": False}})
    assert attr.person_contained(by_id["HS-07"], static, record)


# ---- the UI fund's 备付 gate ------------------------------------------------------------------------
def test_the_fund_settled_from_the_record_is_the_runs_fund_to_the_bit():
    scenario, _, record, _, _ = _factual(LIUPANSHUI, 0)
    fund = UiFund(scenario, record.population.weight, {k: ins.funding for k, ins in enumerate(record.instruments)})
    assert np.array_equal(attr.fund_cover(fund, record), record.ui_fund_cover)


def test_a_ui_funded_payment_that_flips_the_refund_gate_makes_the_run_happen():
    """TR-03 (技能提升补贴) is paid by the UI fund: where its outlays decide the 备付 gate of the refund's pay
    month, the shortcut must not be taken — and the counterfactual run indeed differs from a skipped row."""
    scenario, _, record, _, _ = _factual(LIUPANSHUI, 0)
    slot = [ins.id for ins in record.instruments].index("TR-03")
    refund = next(ins for ins in record.instruments if ins.type.name == "stabilization_refund")
    weight = record.population.weight
    without = UiFund(scenario, weight, {k: ins.funding for k, ins in enumerate(record.instruments) if k != slot})
    cover, cover_without = record.ui_fund_cover, attr.fund_cover(without, record)
    pay = [t for t in range(1, scenario.months) if refund.active[record.first + t]
           and refund.params["pay_month"] == calendar_month(scenario.start, t)]
    t = max(pay, key=lambda t: cover_without[t - 1] - cover[t - 1])     # TR-03's outlays move it most there
    assert cover_without[t - 1] > cover[t - 1]
    gate = (cover[t - 1] + cover_without[t - 1]) / 2          # between the two: the refund pays only without TR-03
    overrides = ((f"instruments.{refund.id}.min_fund_months", float(gate)),)
    gated, _, gated_record, _, _ = _factual(LIUPANSHUI, 0, overrides)
    tr03 = next(ins for ins in gated_record.instruments if ins.id == "TR-03")
    assert not attr.person_contained(tr03, gated, gated_record)
    skipped, ran = _rows(LIUPANSHUI, 0, "TR-03", overrides)
    assert not _same(skipped, ran) and ran["other_payments_saved_yuan"] > 0     # the refund pays only without it
    assert attr.person_contained(tr03, scenario, record)        # the bundled gate (12 months) is not flipped


# ---- every skipped row equals its run -----------------------------------------------------------------
def test_a_row_with_an_open_channel_differs_from_the_skipped_row():
    """The comparison below can fail: HS-09 (hiring response, first of its exclusive group) changes who is
    hired and what the group's other member pays."""
    skipped, ran = _rows(LIUPANSHUI, 0, "HS-09")
    assert not _same(skipped, ran)


STATIC = (("behaviour.responses.enabled", False),)     # no response: the hiring and start-up instruments too
CASES = [(path, ()) for path in SCENARIOS] + [(LIUPANSHUI, STATIC)]


@pytest.mark.slow
@pytest.mark.parametrize("path, overrides", CASES,
                         ids=[p.stem + ("-static" if o else "") for p, o in CASES])
def test_every_counterfactual_the_shortcut_skips_equals_its_run(path, overrides):
    """For every paying instrument `person_contained` skips, on every bundled scenario (and Liupanshui
    without responses) at 2,000 persons and 2 replications, the counterfactual run gives exactly the row
    the shortcut writes."""
    skipped_types = set()
    for rep in range(REPS):
        scenario, _, record, _, costs = _factual(path, rep, overrides)
        own = costs.groupby("instrument")["amount_yuan"].sum()
        for ins in record.instruments:
            if float(own.get(ins.id, 0.0)) == 0.0 or not attr.person_contained(ins, scenario, record):
                continue
            skipped, ran = _rows(path, rep, ins.id, overrides)
            assert _same(skipped, ran), (path.name, rep, ins.id, skipped, ran)
            skipped_types.add(ins.type.name)
    assert skipped_types, f"{path.name}: no counterfactual skipped (the test would check nothing)"
    if overrides == STATIC:
        assert {"hiring_bonus", "hiring_si_subsidy", "startup_grant"} <= skipped_types
