"""Properties over random seeds, sizes, run lengths and UI parameters (DESIGN §11, exact tier)."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.codes import Outcome as O
from sim.engine import simulate
from tests.conftest import write_reform

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), persons=st.integers(300, 3000), months=st.integers(1, 20),
       start=st.sampled_from(["2024-01", "2024-06", "2024-07", "2023-12"]))
def test_accounting_identities_hold_for_any_run(seed, persons, months, start, tmp_path_factory):
    path = write_reform(tmp_path_factory.mktemp("p"), f'start = "{start}"\n')
    scenario = sim.load_scenario(path, persons=persons, months=months, seed=seed)
    record = simulate(scenario)
    o = record.outcomes
    # every record is in exactly one state; the working-age population changes only by entries and exits
    assert (o[:, O.stock_student:O.stock_retired + 1].sum(axis=1) == len(record.population.persons)).all()
    working = o[:, O.stock_employed:O.stock_retired].sum(axis=1)
    previous = np.concatenate([[record.population.initial_persons], working[:-1]])
    assert (working == previous + o[:, O.entries_from_outside] - o[:, O.retirements]).all()
    # UI fund identity and outlays = ledger
    balance_before = np.concatenate([[record.ui_fund_opening_fen], record.ui_fund_balance_fen[:-1]])
    assert (record.ui_fund_balance_fen == balance_before + record.revenue_fen.sum(axis=1)
            - record.ui_fund_outlay_fen).all()
    assert (record.ui_fund_outlay_fen == record.ledger_fen.sum(axis=(1, 2, 3))).all()
    # every payment is exactly one month's amount of the person's district
    from sim.packing import UiSchedule
    from sim.inputs import kernel_inputs
    inputs = kernel_inputs(scenario.profile, scenario.behaviour, start=scenario.start, months=scenario.months,
                           persons=scenario.persons)
    ui = UiSchedule(scenario, record.instruments, inputs, len(record.population.district_codes))
    for line, amounts in ((0, ui.benefit), (1, ui.medical), (2, ui.aid)):
        assert (record.ledger_fen[:, ui.slot, line] == record.ledger_count[:, ui.slot, line] * amounts).all()


@SETTINGS
@given(ratio=st.floats(0.0, 1.5), medical=st.floats(0.0, 0.3), aid=st.floats(0.0, 1.5), seed=st.integers(0, 1000))
def test_zero_amounts_give_zero_cost_and_cost_scales_with_the_benefit(ratio, medical, aid, seed, tmp_path_factory):
    folder = tmp_path_factory.mktemp("z")
    path = write_reform(folder, f"[instruments.UI-10]\nratio = {ratio!r}\nmedical_rate = {medical!r}\n"
                                f"aid_ratio = {aid!r}\n")
    record = simulate(sim.load_scenario(path, persons=1500, months=6, seed=seed))
    if ratio == 0:                  # medical and aid are shares of the benefit
        assert record.ledger_fen.sum() == 0
    # the amounts do not change who is paid (no behavioural response to the level in this engine), and
    # the cost of the benefit line scales with the ratio: count × round(ratio × minimum wage) per district
    base = simulate(sim.load_scenario("tests/fixtures/liupanshui-ui-only.toml", persons=1500, months=6, seed=seed))
    assert (record.ledger_count[:, :, 0] == base.ledger_count[:, :, 0]).all()
    from sim.packing import _fen
    minimum = np.array(list(record.scenario.profile["districts"]["minimum_wage"].values()), np.float64)
    assert (record.ledger_fen[:, 0, 0] == record.ledger_count[:, 0, 0] * _fen(ratio * minimum)).all()
