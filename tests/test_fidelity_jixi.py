"""Jixi 2018 (seed 000): golden cases of the fidelity fixes (issue 13 items 16–20), computed by hand
from the text and the national rules it applies."""
from __future__ import annotations

from sim.codes import State
from sim.params import load_scenario
from tests.instrument_bench import Bench, header, person
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


def test_ui_continuation_to_retirement_applies_from_its_effective_month(tmp_path):
    """The benefit's continuation to retirement (「距法定退休年龄不足1年的,可继续发放失业保险金至法定退休
    年龄」, national rule of 2019-12, 国发〔2019〕28号 recalled; DN A17) is applied from its effective month:
    a recipient whose 24-month entitlement ends before it stops; one whose entitlement ends after it,
    with 6 months to retirement, is paid on to retirement. Bench month 2025-12 stands for 2019-12."""
    bench = Bench(tmp_path, instrument("UI-jixi-national", "ui_benefit", "person",
                                       'continue_to_retirement_within_months = { "2024-01" = 0, "2025-12" = 12 }'))
    m = bench.M[0]
    within = []
    for t in (0, 22, 23, 30):
        bench.ui.fill_month(m, t)
        within.append(int(m["continue_within"]))
    assert within == [0, 0, 12, 12]                 # 2024-01, 2025-11: not yet; 2025-12 on: 12 months


def test_hs14_takes_up_the_share_of_difficulty_hires_the_text_names():
    """000 §(十二) L22 「对单位新增岗位吸纳去产能分流人员的,按照规定给予企业吸纳就业扶持政策」 and §(六) L14
    (new-form firms): HS-14 pays only the named share of certified difficulty hires, 0.5 (claim) × 0.15
    (去产能 leavers ≈ 0.10, new-form firms ≈ 0.05) = 0.075; graduates hired by social organisations
    (§(十一) L21) are HS-14-grad, 0.5 × 0.03 = 0.015."""
    scenario = load_scenario("scenarios/jixi-2018.toml")
    take_up = {ins.id: float(ins.take_up[0]) for ins in scenario.instruments}
    assert take_up["HS-14"] == 0.5 * 0.15
    assert take_up["HS-14-grad"] == 0.5 * 0.03


def test_hs14_employer_si_subsidy_follows_the_pension_rate_cut_of_2019_05(tmp_path):
    """000 §(十二) L22 「对单位新增岗位吸纳去产能分流人员的,按照规定给予企业吸纳就业扶持政策」: the employer's
    pension, medical and UI contributions of the hire (DN A24) are refunded month by month at the rates in
    force. Employer pension 20 % until 2019-04, 16 % from 2019-05 (国办发〔2019〕13号《降低社会保险费率综合方案》:
    「自2019年5月1日起,降低单位缴费比例,目前单位缴费比例高于16%的省份可降至16%」, secondary reprint; the
    Jixi profile), medical 8 %, UI 0.5 %. Base: the floor, 0.6 × 58,000 / 12 = 2,900 (wage 2,000 below it).
    Before: 2,900 × (0.20 + 0.08 + 0.005) = 826.50 a month; from 2019-05: 2,900 × 0.245 = 710.50.
    A hire of 2019-01 paid through 2019-12: 4 × 826.50 + 8 × 710.50 = 8,990.00; a hire of 2019-06: 7 × 710.50
    = 4,973.50."""
    head = header("jixi", "2019-01", 12)
    bench = Bench(tmp_path, instrument("HS-14", "hiring_si_subsidy", "firm", 'target = ["difficulty"]'), head=head)
    january = person(State.EMPLOYED, hire_flags=["difficulty"], employer=0, hire_month=0, wage=2000)
    assert bench.pay(january, 3) == {("HS-14", "main"): 826.50}           # 2019-04
    assert bench.pay(january, 4) == {("HS-14", "main"): 710.50}           # 2019-05
    january = person(State.EMPLOYED, hire_flags=["difficulty"], employer=0, hire_month=0, wage=2000)
    assert bench.months(january, 0, 11) == {("HS-14", "main"): 8990.00}
    june = person(State.EMPLOYED, hire_flags=["difficulty"], employer=0, hire_month=5, wage=2000)
    assert bench.months(june, 5, 11) == {("HS-14", "main"): 4973.50}
