"""Jixi 2018 (seed 000): golden cases of the fidelity fixes (issue 13 items 16–20), computed by hand
from the text and the national rules it applies."""
from __future__ import annotations

from sim.codes import State
from tests.instrument_bench import Bench, person
from tests.test_instruments import instrument

TX03 = instrument("TX-03", "tax_credit", "firm",
                  'target = ["reg_unemployed_6m"]\nper_year = { "2024-01" = 4000, "2025-01" = 6000 }')


def test_tx03_a_hire_keeps_the_credit_in_force_when_hired(tmp_path):
    """000 §(十五) L25 「按照规定加大税收政策支持力度,鼓励企业吸纳困难群体就业」: 按照规定 = 财税〔2017〕49号
    (4,000 a person-year) and, from 2019-01, 财税〔2019〕22号 (6,000); credits granted under the old rule
    run on to their 3 years' end (recalled). Bench months: 2024-01 stands for 2018-07, 2025-01 for 2019-01.
    A hire of 2024-07 is credited 4,000 / 12 = 333.33 a month for all 36 months (11,999.88), also after
    the new amount takes effect; a hire of 2025-01 gets 6,000 / 12 = 500 a month (18,000)."""
    bench = Bench(tmp_path, TX03)
    early = person(State.EMPLOYED, hire_flags=["reg_unemployed_6m"], employer=0, hire_month=6)
    assert bench.months(early, 6, 47) == {("TX-03", "main"): 36 * 333.33}
    late = person(State.EMPLOYED, hire_flags=["reg_unemployed_6m"], employer=0, hire_month=12)
    assert bench.months(late, 12, 47) == {("TX-03", "main"): 36 * 500.0}
