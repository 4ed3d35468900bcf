"""Golden cases for every instrument type: amounts computed by hand from the policy texts.

Each test builds one person (or a few firms) in a known situation, runs the kernel's payment step for
the relevant months with the real month record of a Liupanshui scenario (tests/instrument_bench.py),
and compares with the amount the policy text implies. Citations: shared/POLICY_CATALOGUE.md format.
"""
from __future__ import annotations

import numpy as np
import pytest

from sim.codes import N_COST_LINES, PersonBit, SizeClass, State, WorkLocation
from sim.instruments import RefundGroups, placement_fees, stabilization_refund
from sim.kernels.pay import CERTIFIED, CLOSED, INTERN_HIRED, SPELL_SHIFT, TRAINED
from sim.population.arrays import FIRM_DTYPE
from tests.instrument_bench import EMPLOYER_RATES, FLOOR, MIN_WAGE, Bench, person

COMMON = 'funding = "employment_fund"\nsource = "test"\n'


def instrument(iid: str, type_: str, payee: str, body: str = "") -> str:
    if "take_up" not in body and "application" not in body:      # full take-up unless the test sets one
        body = 'take_up = 1.0\n' + body
    if "take_up_source" not in body:
        body = 'take_up_source = "assumption: test"\n' + body
    return f'[instruments.{iid}]\ntype = "{type_}"\nname_zh = "{iid}"\npayee = "{payee}"\n{COMMON}{body}\n'


# ---- 稳岗返还 -----------------------------------------------------------------------------------------

def _firms(rows):
    F = np.zeros(len(rows), FIRM_DTYPE)
    for f, (size, insured, layoff_rate, ui_fen, months) in enumerate(rows):
        F[f]["alive"], F[f]["size_class"], F[f]["insured_avg_last"] = 1, size, insured
        F[f]["layoff_rate_last"], F[f]["ui_contrib_last"], F[f]["contrib_months"] = layoff_rate, ui_fen, months
        F[f]["si_contrib_last"] = ui_fen * 30
    return F


def test_sr05_sme_with_30_insured_and_no_layoffs_gets_60_percent_of_last_years_ui_contributions(tmp_path):
    # 004 M§10: 「…中小微企业按60%、大型企业按30%返还…」; layoffs ≤ 5.5 %, or ≤ 20 % with ≤ 30 insured (DN A4)
    bench = Bench(tmp_path, instrument("SR-05", "stabilization_refund", "firm", 'pay_month = 6'))
    # 30 staff at the floor base 4,114.55 yuan × 1 % UI × 12 months = 14,812.38 yuan contributed last year
    ui_last = round(30 * 12 * FLOOR * 0.01 * 100)
    assert ui_last == 1_481_238
    F = _firms([(SizeClass.SMALL, 30, 0.0, ui_last, 24),          # refunded: 60 %
                (SizeClass.SMALL, 10, 0.15, ui_last, 24),         # ≤ 30 insured: layoffs up to 20 % allowed
                (SizeClass.MEDIUM, 31, 0.15, ui_last, 24),        # > 30 insured, 15 % > 5.5 %: nothing
                (SizeClass.LARGE, 400, 0.03, 10 * ui_last, 24),   # large: 30 %
                (SizeClass.SMALL, 30, 0.0, ui_last, 6)])          # contributing 6 < 12 months: nothing
    ledger_fen = np.zeros((1, 10, 4), np.int64)
    count = np.zeros_like(ledger_fen)
    ins = bench.instruments[0]
    stabilization_refund(ins, 0, 5, 6, F, np.uint64(1), np.zeros(4, np.int64), 30.0, ledger_fen, count, RefundGroups())
    expected = 888_743 + 888_743 + 4_443_714           # 0.6 × 1,481,238 fen, twice; 0.3 × 14,812,380
    assert ledger_fen[0, 0].sum() == expected
    assert count[0, 0].sum() == 3
    # 备付 gate: a fund with 10 months of cover (< 12, DN A6) pays nothing; other months pay nothing
    gated = np.zeros_like(ledger_fen)
    stabilization_refund(ins, 0, 5, 6, F, np.uint64(1), np.zeros(4, np.int64), 10.0, gated, count, RefundGroups())
    stabilization_refund(ins, 0, 4, 5, F, np.uint64(1), np.zeros(4, np.int64), 30.0, gated, count, RefundGroups())
    assert gated.sum() == 0


def test_sr02_difficulty_variant_pays_six_months_of_benefit_per_insured_worker(tmp_path):
    # 003 §(三): 「…按6個月的當地月人均失業保險金和參保職工人數確定…」
    bench = Bench(tmp_path, instrument("SR-02", "stabilization_refund", "firm",
                                       'basis = "ui_benefit_months"\nbenefit_months = 6'))
    F = _firms([(SizeClass.SMALL, 20, 0.0, 0, 24)])
    benefit_fen = np.array([170_100, 158_400, 158_400, 158_400])   # 90 % of the minimum wage, by district
    ledger_fen = np.zeros((1, 10, 4), np.int64)
    stabilization_refund(bench.instruments[0], 0, 5, 6, F, np.uint64(1), benefit_fen, 30.0, ledger_fen,
                         np.zeros_like(ledger_fen), RefundGroups())
    assert ledger_fen.sum() == 6 * 170_100 * 20                  # 6 × 1,701 yuan × 20 insured


# ---- hiring subsidies ---------------------------------------------------------------------------------

HS = (instrument("HS-08", "hiring_bonus", "firm",
                 'target = ["graduate_year", "youth_16_24"]\namount = 1000\nvesting_months = 1\n'
                 'min_contract_months = 12\nexclusive_group = "youth-hire"\npriority = 1')
      + instrument("HS-09", "hiring_bonus", "firm",
                   'target = ["graduate_year", "graduate_2y"]\namount = 1500\nvesting_months = 1\n'
                   'exclusive_group = "youth-hire"'))


def test_hs08_graduate_hire_is_paid_1000_once_and_not_also_hs09(tmp_path):
    # 004 A1§(七): 1,000 元 per graduate / youth hire; 一次性扩岗补助 ≤ 1,500 「不能重复享受」
    bench = Bench(tmp_path, HS)
    P = person(State.EMPLOYED, hire_flags=["graduate_year"], employer=0, hire_month=2, contract_months=12,
               wage=3000)
    P[0]["state_months"] = 0
    paid = bench.months(P, 2, 8)
    assert paid == {("HS-08", "main"): 1000.0}


def test_hs09_pays_1500_for_a_graduate_outside_hs08(tmp_path):
    bench = Bench(tmp_path, HS)
    P = person(State.EMPLOYED, hire_flags=["graduate_2y"], employer=0, hire_month=2, contract_months=0, wage=3000)
    assert bench.months(P, 2, 8) == {("HS-09", "main"): 1500.0}


def test_hiring_bonus_needs_the_contract_length_and_the_hire_to_last(tmp_path):
    bench = Bench(tmp_path, HS)
    short = person(State.EMPLOYED, hire_flags=["youth_16_24"], employer=0, hire_month=2, contract_months=6)
    assert bench.months(short, 2, 8) == {}                      # 6-month contract < 12 required
    left = person(State.UNEMPLOYED, hire_flags=["youth_16_24"], hire_month=2, contract_months=12)
    assert bench.months(left, 2, 8) == {}                       # no longer employed at vesting


def test_si05_employer_contributions_of_a_difficulty_hire_are_refunded_for_36_months(tmp_path):
    # 004 A3§(六)3 with DN A24: employer pension + medical + UI for ≤ 3 years
    bench = Bench(tmp_path, instrument("SI-05", "hiring_si_subsidy", "firm", 'target = ["difficulty"]'))
    P = person(State.EMPLOYED, hire_flags=["difficulty"], employer=0, hire_month=0, wage=3000)
    rate = EMPLOYER_RATES["pension_employer"] + EMPLOYER_RATES["medical_employer"] + EMPLOYER_RATES["ui_employer"]
    monthly = round(FLOOR * rate, 2)                            # wage 3,000 < floor: the floor base
    assert monthly == 1036.87
    assert bench.months(P, 0, 35) == {("SI-05", "main"): round(36 * monthly, 2)}
    assert bench.pay(P, 36) == {}                              # month 37 of the job: over


def test_si_subsidy_continues_to_retirement_when_hired_within_five_years_of_it(tmp_path):
    bench = Bench(tmp_path, instrument("SI-05", "hiring_si_subsidy", "firm", 'target = ["difficulty"]'))
    P = person(State.EMPLOYED, hire_flags=["difficulty"], employer=0, hire_month=0, wage=3000, retire_month=50)
    P[0]["state_months"] = 40
    assert bench.pay(P, 40) != {}                               # 40 > 36 months, still paid


def test_si12_flexible_worker_gets_two_thirds_of_contributions_at_the_average_wage(tmp_path):
    # 004 A3§(十二): 「…按不超过其实际缴费的2/3给予补贴…以全省上年度全口径城镇单位就业人员平均工资100%为缴费基数」
    bench = Bench(tmp_path, instrument("SI-12", "flexible_si_subsidy", "person",
                                       'target = ["difficulty"]\nbase_share = 1.0\nshare = 0.6666666666666666'))
    P = person(State.FLEXIBLE, flags=["difficulty"], retire_month=400)
    monthly = round(2 / 3 * 82_291 / 12 * 0.20, 2)
    assert monthly == 914.34
    assert bench.months(P, 0, 2) == {("SI-12", "main"): round(3 * monthly, 2)}
    P[0]["flex_subsidy_months"] = 36                            # three years used: no more
    assert bench.pay(P, 3) == {}


# ---- start-up support ------------------------------------------------------------------------------

def test_su02_startup_surviving_12_months_gets_5000_once(tmp_path):
    # 004 A3§(九): 「…正常经营1年以上的…给予5000元一次性创业补贴」
    bench = Bench(tmp_path, instrument("SU-02", "startup_grant", "person", 'amount = 5000\noperating_months = 12'))
    P = person(State.SELF_EMPLOYED, bits=PersonBit.FIRST_BUSINESS | PersonBit.EVER_FOUNDED)
    assert bench.months(P, 0, 23) == {("SU-02", "main"): 5000.0}
    again = person(State.SELF_EMPLOYED, bits=PersonBit.EVER_FOUNDED)   # not the first business
    assert bench.months(again, 0, 23) == {}


def test_su04_rent_subsidy_pays_min_of_rent_and_500(tmp_path):
    # 004 A3§(九): 场租补贴 「每月最高500元」
    bench = Bench(tmp_path, instrument("SU-04", "rent_subsidy", "person",
                                       'cap_month = 500\nrenting_share = 1.0\nmax_months = 24'))
    P = person(State.SELF_EMPLOYED, bits=PersonBit.FIRST_BUSINESS)
    assert bench.months(P, 0, 29) == {("SU-04", "main"): 24 * 500.0}   # typical rent 800 > 500


def test_guaranteed_loan_interest_subsidy_and_default(tmp_path):
    # 财金〔2020〕21号 via DN A29–A30: rate LPR + 50 bp, borrower pays LPR − 150 bp; principal 200,000
    body = 'limit = 200000\nmin_share_of_limit = 1.0\ndefault_share = 1.0\ncompensation_share = 0.8'
    bench = Bench(tmp_path, instrument("SU-10", "guaranteed_loan", "borrower", body))
    P = person(State.SELF_EMPLOYED, bits=PersonBit.FIRST_BUSINESS)
    assert bench.pay(P, 0) == {}                                # issued in the start month
    assert P[0]["loan_yuan"] == 200_000
    P[0]["state_months"] = 1
    # LPR 3.45 % in 2024-02: lending 3.95 %, borrower 1.95 % → 2.00 % a year → 333.33 a month
    assert bench.pay(P, 1) == {("SU-10", "main"): 333.33}
    P[0]["state"] = State.UNEMPLOYED                            # the business failed: default, 80 % 代偿
    assert bench.pay(P, 2, applied=CLOSED) == {("SU-10", "loan_compensation"): 160_000.0}
    assert P[0]["loan_yuan"] == 0


# ---- training, skills, internships ------------------------------------------------------------------

def test_tr01_syb_course_per_day_rate_with_followup_fee_and_living_allowance(tmp_path):
    # 004 A1§(八): SYB 「每人每天120元」; 后续跟踪服务费 500 (TR-02); 生活费补贴 150/month (003 §(十六)¶2)
    body = 'per_day = 120\ndays = 10\nfollowup_fee = 500\nliving_allowance = 150'
    bench = Bench(tmp_path, instrument("TR-01", "training_subsidy", "provider", body))
    P = person(State.TRAINING, hire_flags=[])
    assert bench.months(P, 0, 1) == {("TR-01", "training_living"): 300.0}
    P[0]["state"], P[0]["state_months"] = State.UNEMPLOYED, 0
    done = bench.pay(P, 2, applied=TRAINED | (1 << SPELL_SHIFT))       # course of months 0 and 1
    assert done == {("TR-01", "main"): 1200.0, ("TR-01", "training_followup"): 500.0}


def test_certificate_required_course_pays_only_with_a_certificate(tmp_path):
    body = 'amount = 1500\ncertificate_required = true\nappraisal = 200'
    bench = Bench(tmp_path, instrument("TR-X", "training_subsidy", "provider", body))
    P = person(State.UNEMPLOYED)
    assert bench.pay(P, 5, applied=TRAINED | (3 << SPELL_SHIFT)) == {}
    assert bench.pay(P, 5, applied=TRAINED | CERTIFIED | (3 << SPELL_SHIFT)) == {
        ("TR-X", "main"): 1500.0, ("TR-X", "training_appraisal"): 200.0}


def test_skill_upgrade_pays_by_level_at_most_three_a_year(tmp_path):
    # 人社部发〔2024〕40号 via DN A32: 1000/1500/2000 for levels 5/4/3, insured ≥ 1 year, ≤ 3 a year
    from sim.kernels.pay import skill_upgrade
    bench = Bench(tmp_path, instrument("TR-03", "skill_upgrade_subsidy", "person", 'max_per_year = 2'))
    bench.pay(person(State.EMPLOYED), 0)                       # fills the month record
    M, A = bench.M[0], bench.CA[0]
    P = person(State.EMPLOYED, skill=2, ui_contrib_months=24)
    bench.CA.view(np.uint8).fill(0)
    for _ in range(3):
        skill_upgrade(P[0], 0, 0, M, A)
    assert A["ledger_fen"][0, 0].sum() == 2 * 150_000          # intermediate, twice (the year's limit)
    new = person(State.EMPLOYED, skill=1, ui_contrib_months=6)
    skill_upgrade(new[0], 0, 0, M, A)                           # 6 < 12 months insured: nothing
    assert A["ledger_fen"][0, 0].sum() == 2 * 150_000


def test_internship_allowance_retention_bonus_and_remaining_period(tmp_path):
    # 004 A1§(十): 见习补贴; 「留用…给予1000元」; early hire: the remaining months' subsidy
    body = 'allowance_share = 0.6\nhigh_retention_share = 0.6\nmonths = 6\nretention_bonus = 1000\nremaining_period = true'
    bench = Bench(tmp_path, instrument("IN-01", "internship_subsidy", "host", body))
    P = person(State.INTERN, district=0)
    monthly = 0.6 * MIN_WAGE[0]                                  # 1,134 yuan
    assert bench.months(P, 0, 1) == {("IN-01", "main"): 2 * monthly}
    P[0]["state"], P[0]["state_months"] = State.EMPLOYED, 0     # hired after 2 of 6 months
    paid = bench.pay(P, 2, applied=INTERN_HIRED | (1 << SPELL_SHIFT))
    assert paid == {("IN-01", "intern_retention"): 1000.0, ("IN-01", "main"): 4 * monthly}


def test_public_job_post_and_si_subsidy(tmp_path):
    # DN A36: post subsidy 100 % of the minimum wage + employer contributions at the floor, ≤ 3 years
    bench = Bench(tmp_path, instrument("PW-02", "public_job", "employer", ""))
    P = person(State.PUBLIC_JOB, district=1, placements=1)
    si = round(FLOOR * sum(EMPLOYER_RATES.values()), 2)
    assert bench.pay(P, 0) == {("PW-02", "main"): float(MIN_WAGE[1]), ("PW-02", "public_job_si"): si}
    P[0]["placements"] = 3                                      # a third placement (≤ 2 paid)
    assert bench.pay(P, 0) == {}


# ---- one-time allowances, tax credits, 低保渐退, relief ------------------------------------------------

def test_tp01_tp02_transport_allowance_by_destination_after_three_months(tmp_path):
    # 004 A2§(二): cross-county ≤ 500 (TP-01), cross-province 1,000 (TP-02), once
    body = 'event = "employed_away"\ntarget = ["poverty_alleviated"]\namount = 500\ncross_province_amount = 1000\nwait_months = 3'
    bench = Bench(tmp_path, instrument("TP", "one_time_allowance", "person", body))
    away = person(State.EMPLOYED, hire_flags=["poverty_alleviated"], work_location=WorkLocation.CROSS_PROVINCE,
                  prev_state=State.UNEMPLOYED)
    assert bench.months(away, 0, 8) == {("TP", "main"): 1000.0}
    county = person(State.EMPLOYED, hire_flags=["poverty_alleviated"], work_location=WorkLocation.CROSS_COUNTY)
    assert bench.months(county, 0, 8) == {("TP", "main"): 500.0}


def test_js01_job_search_allowance_for_a_graduating_dibao_student(tmp_path):
    # 000 §(三): 求职创业补贴 1,000 元
    body = 'event = "graduating"\ntarget = ["dibao"]\namount = 1000'
    bench = Bench(tmp_path, instrument("JS-01", "one_time_allowance", "person", body))
    P = person(State.UNEMPLOYED, flags=["dibao", "graduate_year"], school_leave_month=6,
               bits=PersonBit.GRADUATE_COHORT)
    assert bench.months(P, 0, 12) == {("JS-01", "main"): 1000.0}


def test_tx01_tax_credit_7800_a_year_for_three_years(tmp_path):
    # 003 §(九)¶3: 「…每人每年7800元…定额依次扣减…」, 3 years
    bench = Bench(tmp_path, instrument("TX-01", "tax_credit", "firm", 'target = ["reg_unemployed_6m"]\nper_year = 7800'))
    P = person(State.EMPLOYED, hire_flags=["reg_unemployed_6m"], employer=0, hire_month=0)
    assert bench.months(P, 0, 35) == {("TX-01", "main"): 3 * 7800.0}
    assert bench.pay(P, 36) == {}                               # month 37: over


def test_ui06_dibao_continues_six_months_after_employment(tmp_path):
    # 003 §(十六): 低保渐退 6 months
    bench = Bench(tmp_path, instrument("UI-06", "dibao_taper", "household",
                                       'target = ["dibao"]\namount = 300\nmonths = 6'))
    P = person(State.EMPLOYED, hire_flags=["dibao"], employer=0)
    assert bench.months(P, 0, 11) == {("UI-06", "main"): 6 * 300.0}


def test_fr02_half_of_employer_contributions_forgone(tmp_path):
    # 002 §(二): 减半征收 pension, UI and injury (employer) Feb–Apr 2020
    from sim.kernels.pay import relief
    bench = Bench(tmp_path, instrument("FR-02", "contribution_relief", "firm",
                                       'share = 0.5\nlines = ["pension_employer", "ui_employer", "injury_employer"]'))
    P = person(State.EMPLOYED)
    bench.pay(P, 0)
    bench.CA.view(np.uint8).fill(0)
    ui_cut = relief(P[0], 5000.0, SizeClass.SMALL, bench.M[0], bench.CA[0])
    assert bench.CA[0]["ledger_fen"][0, 0, 0] == round(5000 * 0.5 * (0.16 + 0.007 + 0.006) * 100)   # 432.50 yuan
    assert ui_cut == round(5000 * 0.5 * 0.007 * 100)           # 17.50 yuan less UI revenue


# ---- institutions and agencies ------------------------------------------------------------------------

def test_ps01_placement_fee_tiers_and_cap():
    # 003 §(二十): 200/300/400 元 per placement at ≥ 20/50/100 a year, ≤ 100,000 per agency
    class Ins:
        params = {"agencies": 10, "tiers": [[20, 200], [50, 300], [100, 400]],
                  "cap_per_agency": np.array([100_000.0])}
    direct = np.zeros((1, N_COST_LINES, 4), np.int64)
    count = np.zeros((1, N_COST_LINES, 4), np.int64)
    placement_fees(Ins, 0, 0, np.array([600, 0, 0, 0]), 1.0, direct, count)   # 60 per agency: 300 each
    assert direct.sum() == 10 * 60 * 300 * 100
    direct[:] = 0
    placement_fees(Ins, 0, 0, np.array([3000, 0, 0, 0]), 1.0, direct, count)  # 300 each × 400 > cap
    assert direct.sum() == 10 * 100_000 * 100


def test_aw01_fixed_awards_are_paid_in_their_month(tmp_path):
    # 004 M§26: 充分就业社区 awards 100,000 (a count per year)
    from sim.instruments import fixed_award
    bench = Bench(tmp_path, instrument("AW-01", "fixed_award", "institution", 'amount = 100000\ncount = 5\naward_month = 12'))
    direct = np.zeros((1, N_COST_LINES, 4), np.int64)
    count = np.zeros((1, N_COST_LINES, 4), np.int64)
    shares = np.array([0.25, 0.25, 0.25, 0.25])
    fixed_award(bench.instruments[0], 0, 10, 11, shares, direct, count)
    assert direct.sum() == 0
    fixed_award(bench.instruments[0], 0, 11, 12, shares, direct, count)
    assert direct.sum() == 500_000 * 100 and count.sum() == 5


@pytest.mark.parametrize("type_,payee,body,state", [
    ("hiring_bonus", "firm", "amount = 0", State.EMPLOYED),
    ("flexible_si_subsidy", "person", "share = 0", State.FLEXIBLE),
    ("startup_grant", "person", "amount = 0\noperating_months = 0", State.SELF_EMPLOYED),
    ("public_job", "employer", "post_subsidy_share = 0\nsi_subsidy_share = 0", State.PUBLIC_JOB),
])
def test_zero_amounts_pay_nothing(tmp_path, type_, payee, body, state):
    bench = Bench(tmp_path, instrument("Z", type_, payee, body))
    P = person(state, employer=0, bits=PersonBit.FIRST_BUSINESS)
    assert bench.months(P, 0, 3) == {}
