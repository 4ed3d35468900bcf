"""Golden cases for the Liupanshui fixes of issue 13 (items 2–15): amounts computed by hand from seed 004.

Where a case exercises the bundled scenario's own rule, the instrument's table is taken verbatim from
scenarios/liupanshui-2023.toml (`bundled`), with full take-up so the hand computation is exact.
"""
from __future__ import annotations

import re

import numpy as np

from sim.codes import (N_COST_LINES, N_OUTCOMES, NEVER, CostLine, Education, GroupFlag, Outcome, PersonBit,
                       SizeClass, State, UiStatus, WorkLocation)
from sim.instruments.startup import firm_loans
from sim.kernels import layout as L
from sim.kernels.firms import firm_month
from sim.kernels.flags import group_flags
from sim.kernels.pay import CERTIFIED, SPELL_SHIFT, TRAINED
from sim.kernels.persons import _claim
from sim.params import load_scenario
from sim.population.arrays import FIRM_DTYPE
from sim.report.tables import window_table
from tests.conftest import LIUPANSHUI
from tests.instrument_bench import EMPLOYER_RATES, FLOOR, Bench, person
from tests.test_instruments import instrument

AVERAGE_MONTH = 82_291 / 12          # Guizhou 2022 provincial average wage, a month (profile)


def bundled(*ids: str, take_up: float = 1.0) -> str:
    """The instrument tables `ids` of the bundled scenario, as written there, with `take_up` set."""
    text = LIUPANSHUI.read_text(encoding="utf-8")
    blocks = []
    for iid in ids:
        match = re.search(rf"^\[instruments\.{re.escape(iid)}\]\n(.*?)(?=^\[|^# ---|\Z)", text, re.S | re.M)
        assert match, iid
        block = re.sub(r"^take_up = .*$", f"take_up = {take_up}", match.group(0), flags=re.M)
        if "take_up = " not in block:                 # application = "none": paid to every eligible case
            block = block.rstrip("\n") + "\n"
        blocks.append(block.rstrip("\n") + "\n\n")
    return "".join(blocks)


# ---- item 2: SI-11's two years run from the entry into flexible work --------------------------------

def _si11_months(tmp_path, body_extra: str) -> tuple[int, float]:
    bench = Bench(tmp_path, bundled("SI-11").replace("groups_at_entry = true", body_extra))
    # entered flexible work in month 18 as a graduate ≤ 2 years out (left school in month 0)
    P = person(State.FLEXIBLE, flags=["graduate_2y"], hire_flags=["graduate_2y"], retire_month=400)
    paid_months, total = 0, 0.0
    for t in range(18, 48):
        if t >= 24:                                   # 24 months after leaving school: no longer graduate_2y
            P[0]["group_flags"] = 0
        paid = bench.pay(P, t)
        if paid:
            paid_months += 1
            total += paid[("SI-11", "main")]
        P[0]["state_months"] += 1
    return paid_months, round(total, 2)


def test_si11_graduate_starting_flexible_work_18_months_after_school_gets_24_months(tmp_path):
    """004 A1§(八) L368 「对离校2年内未就业的高校毕业生灵活就业后缴纳社会保险费的,给予不超过其实际缴费2/3的
    社会保险补贴,补贴期限最长不超过2年」: a graduate who starts flexible work 18 months after leaving school
    (still within 2 years) is paid for 24 months from the start, although the graduate_2y flag lapses 6
    months in."""
    # 2/3 (004 L368, exactly) × minimum base 60 % of the average wage (DN A26) × 20 % pension rate
    monthly = round(2 / 3 * 0.6 * AVERAGE_MONTH * 0.20, 2)
    assert monthly == 548.61
    assert _si11_months(tmp_path, "groups_at_entry = true") == (24, round(24 * monthly, 2))
    # the old monthly re-test of the graduate flag: only the 6 months before the flag lapses
    assert _si11_months(tmp_path, "groups_at_entry = false") == (6, round(6 * monthly, 2))


# ---- item 3: the 2/3 share is 2/3, not 0.6667 ---------------------------------------------------------

def test_si11_si12_share_does_not_exceed_two_thirds():
    """004 A1§(八) L368 「不超过其实际缴费2/3」; 004 A3§(十二) L660 「…缴费的2/3」: the share never exceeds 2/3."""
    text = LIUPANSHUI.read_text(encoding="utf-8")
    shares = [float(v) for iid in ("SI-11", "SI-12")
              for v in re.findall(r"^share = ([0-9.]+)", bundled(iid), re.M)]
    assert shares == [2 / 3, 2 / 3]
    assert "0.6667" not in text


# ---- item 6: only HS-08 and HS-09 exclude each other ----------------------------------------------------

def test_hs07_hs10_hs11_stack_and_hs08_hs09_do_not(tmp_path):
    """004 A1§(七) L364 「一次性吸纳就业补贴和一次性扩岗补助不能重复享受」 — the text's only exclusion. A returnee
    from a 脱贫 household, registered unemployed ≥ 6 months, hired by a micro firm on a 1-year contract and
    contributing 3 months: HS-07 500 (004 A3§(六)3 L624) + HS-10 500 (004 A2§(七) L480) + HS-11 500 (004
    A2§(十九) L544) = 1,500. A registered unemployed 20-year-old graduate: HS-09 1,500 only (not HS-08)."""
    bench = Bench(tmp_path, bundled("HS-09", "HS-08", "HS-07", "HS-10", "HS-11"))
    P = person(State.EMPLOYED, hire_flags=["reg_unemployed_6m", "returnee", "poverty_alleviated"], employer=0,
               hire_month=2, contract_months=12, wage=3000)
    paid = bench.months(P, 2, 8)
    assert paid == {("HS-07", "main"): 500.0, ("HS-10", "main"): 500.0, ("HS-11", "main"): 500.0}
    Q = person(State.EMPLOYED, hire_flags=["graduate_2y", "reg_unemployed", "youth_16_24"], employer=0,
               hire_month=2, contract_months=12, wage=3000)
    assert bench.months(Q, 2, 8) == {("HS-09", "main"): 1500.0}


# ---- item 7: HS-09 and SI-04 once per person ------------------------------------------------------------

def _rehire(P, t):
    """The same person hired again in month t (a new employment spell)."""
    P[0]["state_months"] = 0
    P[0]["hire_month"] = t


def test_hs09_paid_for_the_first_hire_of_a_graduate_only(tmp_path):
    """004 A1§(七) L364 「签订劳动合同并为其缴纳失业、工伤、职工养老保险费1个月以上的企业,按每招用1人不超过1500元的
    标准发放一次性扩岗补助」; DN A20: one firm per person. The graduate's first hire pays 1,500 after one
    month; a re-hire of the same graduate pays nothing (HS-08 then applies, 1,000 with a 1-year contract)."""
    bench = Bench(tmp_path, bundled("HS-09", "HS-08"))
    P = person(State.EMPLOYED, hire_flags=["graduate_2y"], employer=0, hire_month=2, contract_months=12,
               wage=3000)
    assert bench.months(P, 2, 8) == {("HS-09", "main"): 1500.0}
    _rehire(P, 12)
    assert bench.months(P, 12, 18) == {("HS-08", "main"): 1000.0}
    # without the rule: HS-09 again
    again = Bench(tmp_path, bundled("HS-09", "HS-08").replace("once_per_person = true", "once_per_person = false"))
    Q = person(State.EMPLOYED, hire_flags=["graduate_2y"], employer=0, hire_month=2, contract_months=12, wage=3000)
    again.months(Q, 2, 8)
    _rehire(Q, 12)
    assert again.months(Q, 12, 18) == {("HS-09", "main"): 1500.0}


def test_si04_pays_twelve_months_for_one_hire_of_a_graduate(tmp_path):
    """004 A1§(七) L364 「对小微企业…吸纳离校2年内未就业的高校毕业生就业,符合条件的给予社会保险补贴」: the
    employer's pension, medical and UI contributions (DN A24) for 12 months, one hire per graduate. At the
    floor base 4,114.55 × (16 % + 8.5 % + 0.7 %) = 1,036.87 a month; a re-hire of the same graduate at
    another small firm is not subsidised again."""
    bench = Bench(tmp_path, bundled("SI-04"))
    rate = EMPLOYER_RATES["pension_employer"] + EMPLOYER_RATES["medical_employer"] + EMPLOYER_RATES["ui_employer"]
    monthly = round(FLOOR * rate, 2)
    assert monthly == 1036.87
    P = person(State.EMPLOYED, hire_flags=["graduate_2y"], employer=0, hire_month=0, wage=3000)
    total = {}
    for t in range(0, 15):
        for key, yuan in bench.pay(P, t, size=0).items():
            total[key] = round(total.get(key, 0.0) + yuan, 2)
        P[0]["state_months"] += 1
    assert total == {("SI-04", "main"): round(12 * monthly, 2)}
    _rehire(P, 20)
    assert all(bench.pay(P, t, size=0) == {} for t in range(20, 23))


# ---- item 4: TR-03 pays UI recipients --------------------------------------------------------------------

def test_tr03_pays_a_ui_recipient_who_obtains_a_certificate(tmp_path):
    """004 M§21 L156 「参加失业保险1年以上的企业职工或领取失业保险金人员取得职业资格证书或职业技能等级证书的,
    可申请技能提升补贴」: a recipient with no insured months who completes a course (no training subsidy for
    it) with a primary certificate gets 1,000 (DN A32: 1000/1500/2000); without receipt, nothing."""
    bench = Bench(tmp_path, bundled("TR-03"))
    P = person(State.UNEMPLOYED, ui_status=UiStatus.BENEFIT, ui_contrib_months=0, skill=1)
    applied = TRAINED | CERTIFIED | (1 << SPELL_SHIFT)
    assert bench.pay(P, 5, applied=applied) == {("TR-03", "main"): 1000.0}
    Q = person(State.UNEMPLOYED, ui_status=UiStatus.NONE, ui_contrib_months=0, skill=1)
    assert bench.pay(Q, 5, applied=applied) == {}


# ---- item 5: one course is paid once -------------------------------------------------------------------

TRAINING = ("TR-01-syb", "TR-01-gyb", "TR-01-online", "TR-17-prep", "TR-16", "TR-17")


def test_a_returnee_start_up_course_is_paid_once_by_its_own_rule(tmp_path):
    """004 A2§(十二) L504 「返乡创业人员参加创业培训且符合条件的,分别给予每人每天100元(产生你的企业想法培训)、
    120元(创办你的企业培训)、200元(网络创业培训)的培训补贴」 and 「每人500元的后续一次性跟踪服务费」: a
    registered-unemployed rural returnee completing SYB with a certificate is paid SYB's 8 days × 120 = 960
    plus the 500 follow-up fee — not also GYB, the online rate, TR-16 (004 A3§(五)2) or TR-17 (004 A2§(十八))."""
    bench = Bench(tmp_path, bundled(*TRAINING))
    P = person(State.UNEMPLOYED, hire_flags=["returnee", "reg_unemployed", "migrant_worker"])
    paid = bench.pay(P, 2, applied=TRAINED | CERTIFIED | (1 << SPELL_SHIFT))
    assert paid == {("TR-01-syb", "main"): 960.0, ("TR-01-syb", "training_followup"): 500.0}


def test_a_vocational_course_of_an_unemployed_migrant_worker_is_paid_once(tmp_path):
    """004 A3§(五)2 L604 「对符合条件的落实职业培训补贴、生活费补贴」 (TR-16: 700 + 500 on a certificate, DN A33)
    and 004 A2§(十八) L536 「证书直补」 (TR-17: 1,200): a registered-unemployed rural worker's certified course
    is paid by TR-16 alone, 1,200 in all."""
    bench = Bench(tmp_path, bundled(*TRAINING))
    P = person(State.UNEMPLOYED, hire_flags=["reg_unemployed", "migrant_worker"])
    paid = bench.pay(P, 2, applied=TRAINED | CERTIFIED | (1 << SPELL_SHIFT))
    assert paid == {("TR-16", "main"): 700.0, ("TR-16", "training_appraisal"): 500.0}


# ---- item 8: JS-03 for leavers of the three school types -------------------------------------------------

def test_js03_pays_a_vocational_school_leaver_in_difficulty_and_not_a_high_school_leaver(tmp_path):
    """004 A1§(十五) L408 「对市内普通高等院校、中等职业学校、技工院校在毕业年度有就业创业意愿并积极求职创业的就业
    困难应届毕业生,给予求职创业补贴」: a 中职 leaver from a 低保 household is paid 1,000 (DN A37 proxy) in the
    month of leaving; a senior-high leaver of the same household is not."""
    bench = Bench(tmp_path, bundled("JS-03"))
    P = person(State.UNEMPLOYED, flags=["dibao", "school_graduate_year"], school_leave_month=6,
               bits=PersonBit.GRADUATE_COHORT)
    assert bench.months(P, 0, 12) == {("JS-03", "main"): 1000.0}
    Q = person(State.UNEMPLOYED, flags=["dibao"], school_leave_month=6, bits=PersonBit.GRADUATE_COHORT)
    assert bench.months(Q, 0, 12) == {}


def test_school_graduate_year_flag_covers_the_three_school_types():
    """The flag JS-03 tests: 中职 (技工院校 counted with it), 大专 and 本科+ leavers in their leaving year."""
    flags = {edu: int(group_flags(18, 12, State.UNEMPLOYED, 0, 0, 240, 0, edu, 14, 0, 0, 0, 600, 480, 600, 0,
                                  False)) for edu in Education}
    has = {edu for edu, f in flags.items() if f & GroupFlag.school_graduate_year}
    assert has == {Education.SECONDARY_VOCATIONAL, Education.COLLEGE, Education.BACHELOR_PLUS}
    # left school in the previous calendar year: no longer
    earlier = int(group_flags(18, 12, State.UNEMPLOYED, 0, 0, 240, 0, Education.COLLEGE, 10, 0, 0, 0, 600, 480,
                              600, 0, False))
    assert not earlier & GroupFlag.school_graduate_year


# ---- issue 12: large firm records close in part ---------------------------------------------------------

def test_a_large_firm_record_never_closes_whole_and_a_micro_one_does():
    """Assumption (behaviour firms.partial_closure_sizes, default large): a large record stands for many
    real firms; with an exit probability of 1 the micro record closes and the large one stays alive."""
    F = np.zeros(2, FIRM_DTYPE)
    F["alive"], F["size_class"], F["insured"], F["exit_month"] = 1, (SizeClass.MICRO, SizeClass.LARGE), 5, NEVER
    mult = np.zeros((L.N_MULT, L.MULT_WIDTH))
    mult[L.M_FIRM_EXIT, :4] = 1.0
    mult[L.M_FIRM_PARTIAL_CLOSURE, SizeClass.LARGE] = 1.0
    beh = np.zeros(L.N_BEH)
    outcomes = np.zeros(N_OUTCOMES, np.int64)
    firm_month(3, np.uint64(7), F, beh, mult, 1.0, 1.0, np.arange(2), np.zeros(2, np.int64), outcomes)
    assert list(F["alive"]) == [0, 1]
    assert outcomes[Outcome.firm_exits] == 1


# ---- item 14: the report lists every window that departs from the text ------------------------------------

def test_report_lists_the_four_measures_extended_beyond_their_text_and_the_as_written_reform_none():
    """004 M§10 L96, M§21 L156, A1§(七) L364: SR-05, TR-03, HS-08 and HS-09 end 「…2023年12月31日」 in the text;
    the baseline runs them to 2025-12 (national renewals), and the report says so. The bundled reform
    liupanshui-2023-as-written runs the text's windows, so its report lists none."""
    base = window_table({"resolved_scenario": load_scenario(LIUPANSHUI).document}, "en")
    assert sorted(base["Instrument"]) == ["HS-08", "HS-09", "SR-05", "TR-03"]
    assert set(base["Text's window"]) == {"2023-01 – 2023-12"} and set(base["Modelled window"]) == {"2023-01 – 2025-12"}
    assert base["Reason"].str.len().min() > 20
    written = load_scenario(LIUPANSHUI.with_name("liupanshui-2023-as-written.toml"))
    assert window_table({"resolved_scenario": written.document}, "en").empty
    # in force up to the month before the run (2024-01 = month 0) and no longer
    assert {i.id: i.last for i in written.instruments if i.id in ("HS-08", "HS-09", "SR-05", "TR-03")} == \
        {"HS-08": -1, "HS-09": -1, "SR-05": -1, "TR-03": -1}


# ---- item 11: TP-01's income condition on 脱贫人口 -----------------------------------------------------------

def test_transport_subsidy_for_poverty_alleviated_workers_follows_the_income_condition(tmp_path):
    """004 A2§(二) L456 「对跨县务工且稳定就业3个月及以上的脱贫人口(年度农民人均纯收入在万元以上)…给予不超过500元/人
    的一次性交通补助。给予年度农民人均纯收入在万元以下的低收入跨省务工脱贫劳动力…1000元/人」: a 脱贫 worker with
    income ≥ 10,000 gets 500 after 3 months away (cross-county or cross-province); one below 10,000 gets
    1,000 cross-province and nothing cross-county. The income is a share (TP-02's draw), here forced."""
    def paid(low_income: bool, location: WorkLocation) -> dict:
        body = bundled("TP-02", "TP-01-poverty")
        if not low_income:                            # TP-02's draw says "income ≥ 10,000": it never takes
            body = body.replace("[instruments.TP-02]\n", "[instruments.TP-02]\nenabled = false\n")
        bench = Bench(tmp_path, body)
        P = person(State.EMPLOYED, hire_flags=["poverty_alleviated"], work_location=location,
                   prev_state=State.UNEMPLOYED)
        return bench.months(P, 0, 8)
    assert paid(False, WorkLocation.CROSS_COUNTY) == {("TP-01-poverty", "main"): 500.0}
    assert paid(False, WorkLocation.CROSS_PROVINCE) == {("TP-01-poverty", "main"): 500.0}
    assert paid(True, WorkLocation.CROSS_PROVINCE) == {("TP-02", "main"): 1000.0}
    assert paid(True, WorkLocation.CROSS_COUNTY) == {}


def test_su12_firm_loans_interest_subsidy_and_guarantee_payouts_over_their_vintages(tmp_path):
    """004 A3§(十) L648 「…的小微企业,可按规定申请不超过300万元的创业担保贷款」: 1 loan a month (12 a year) of
    1,500,000 (half the 3,000,000 cap), term 24 months; the budget pays LPR + 50 bp − (LPR − 150 bp) = 2 % a
    year; 5 % of the loans default evenly over the term and the fund repays 80 % of their principal."""
    bench = Bench(tmp_path, instrument("SU-12", "firm_guaranteed_loan", "firm",
                                       'limit = 3_000_000\nloans_per_year = 12\nvalid = ["2024-01", "2025-06"]'))
    ins = bench.instruments[0]
    shares = np.array([0.25, 0.25, 0.25, 0.25])

    def month(t):
        direct = np.zeros((1, N_COST_LINES, 4), np.int64)
        count = np.zeros_like(direct)
        firm_loans(ins, 0, t, 3.45, shares, direct, count)
        return direct[0, CostLine.main].sum() / 100, direct[0, CostLine.loan_compensation].sum() / 100

    assert month(0) == (0.0, 0.0)                       # no loan has run a month yet
    # month 1: the January loan's first month: 1,500,000 × 2 % / 12; 1 × 0.05 / 24 defaults × 1,200,000
    assert month(1) == (2_500.0, 2_500.0)
    # month 24 (2026-01, the instrument no longer in force: no interest): the 18 vintages 2024-01 … 2025-06
    # are 7 … 24 months old; each month 0.05/24 of each defaults: 18 × 0.05 / 24 × 1,200,000 = 45,000
    assert month(24) == (0.0, 45_000.0)
    # month 18 (2025-07, out of force from this month): interest stops, compensation goes on
    assert month(18)[0] == 0.0
    # month 17 (in force): vintages 0 … 16, 17 … 1 months old: alive Σ (1 − 0.05 (m − 1) / 24), m = 1 … 17
    alive = sum(1 - 0.05 * (m - 1) / 24 for m in range(1, 18))
    assert month(17) == (round(alive * 2_500, 2), 17 * 2_500.0)



def test_su12_guarantee_payouts_are_counted_in_whole_loans_as_the_expected_defaults_accumulate(tmp_path):
    """10 loans a month for 18 months, 5 % defaulting over 24 months: at most 18 × 10 × 0.05 / 24 = 0.375
    defaults a month, which rounded month by month were 0 件 beside non-zero 代偿. Booked as they accumulate,
    the 9 defaulted loans are all counted, each beside its 1,200,000 of 代偿, spread over the districts by share."""
    bench = Bench(tmp_path, instrument("SU-12", "firm_guaranteed_loan", "firm",
                                       'limit = 3_000_000\nloans_per_year = 120\nvalid = ["2024-01", "2025-06"]'))
    ins = bench.instruments[0]
    shares = np.array([0.4, 0.3, 0.2, 0.1])
    direct = np.zeros((48, 1, N_COST_LINES, 4), np.int64)
    count = np.zeros_like(direct)
    for t in range(48):
        firm_loans(ins, 0, t, 3.45, shares, direct[t], count[t])
    money, loans = direct[:, 0, CostLine.loan_compensation], count[:, 0, CostLine.loan_compensation]
    assert loans.min() == 0 and loans.sum(axis=1).max() == 1         # whole loans, one at a time
    assert loans.sum() == 9 and money.sum() == 9 * 1_200_000 * 100
    assert loans.sum(axis=0).tolist() == [3, 3, 2, 1]                # within a loan of 9 × share: 3.6, 2.7, 1.8, 0.9
    by_year = [(loans[y:y + 12].sum(), money[y:y + 12].sum() / 100 / 1_200_000) for y in (0, 12, 24, 36)]
    for booked, expected in by_year:                                # each year within a loan of its money
        assert abs(booked - expected) < 1, by_year


# ---- item 10: UI-10's 失业农民工一次性生活补助 ----------------------------------------------------------------

def test_ui10_migrant_workers_insured_under_a_year_get_the_one_off_living_allowance(tmp_path):
    """004 M§21 L156 「做好失业保险金发放、基本医疗保险费(含生育保险费)代缴和失业农民工一次性生活补助等常规性保生活
    待遇发放工作」: a registered, involuntarily unemployed migrant worker of 钟山 with 7 months of UI
    contributions (fewer than the benefit's 12) is paid once 2 months (assumption) × 0.9 × 1,890 = 3,402; an
    urban-hukou worker with 7 months and a migrant with none get nothing; one with 13 months draws the benefit."""
    bench = Bench(tmp_path, bundled("UI-10"))
    m, A = bench.M[0], bench.CA[0]
    bench.ui.fill_month(m, 0)
    slot = bench.instruments.index(next(ins for ins in bench.instruments if ins.id == "UI-10"))

    def claim(flags, months):
        P = person(State.UNEMPLOYED, flags=flags, ui_contrib_months=months, bits=PersonBit.REGISTERED)
        bench.CA.view(np.uint8).fill(0)
        _claim(P[0], 0, np.uint64(1), m, A)
        return A["ledger_fen"][slot, CostLine.ui_migrant_allowance].sum() / 100, P[0]

    paid, p = claim(["migrant_worker", "reg_unemployed"], 7)
    assert paid == 2 * 1_701.0 and p["ui_contrib_months"] == 0 and p["ui_status"] == UiStatus.EXHAUSTED
    assert claim(["reg_unemployed"], 7)[0] == 0.0
    assert claim(["migrant_worker", "reg_unemployed"], 0)[0] == 0.0
    paid, p = claim(["migrant_worker", "reg_unemployed"], 13)
    assert paid == 0.0 and p["ui_status"] == UiStatus.BENEFIT
