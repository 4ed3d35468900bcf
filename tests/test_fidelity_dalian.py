"""Dalian 2020 (seed 003): golden cases of the fidelity fixes (issue 13 items 27–31), computed by hand
from the text."""
from __future__ import annotations

import numpy as np

from sim.codes import SizeClass, State
from sim.instruments import RefundGroups, stabilization_refund
from sim.kernels.pay import post_extension
from tests.instrument_bench import Bench, person
from tests.test_instruments import _firms, instrument

SR = (instrument("SR-01", "stabilization_refund", "firm",
                 'basis = "ui_contributions"\nshare = { sme = 1.0, large = 0.5 }\npay_month = 9\n'
                 'exclusive_group = "refund"\npriority = 1')
      + instrument("SR-02", "stabilization_refund", "firm",
                   'basis = "ui_benefit_months"\nbenefit_months = 6\npay_month = 9\n'
                   'exclusive_group = "refund"\npriority = 2'))


def test_sr01_sr02_a_firm_gets_one_refund_of_the_group_the_first_in_its_order(tmp_path):
    """003 §(三) L19: SR-01 「返還標準提高至企業及其職工上年度繳納失業保險費的100%」 and SR-02
    「按6個月的當地月人均失業保險金和參保職工人數給予穩崗返還」 are alternatives (exclusive group
    "refund"): a firm eligible for both is paid once, by SR-02 (priority 2, claimed first); a firm
    SR-02 does not reach (layoffs 15 % with 31 insured > 5.5 %: neither) or that SR-02 misses gets
    SR-01 only if it passes SR-01's own tests."""
    bench = Bench(tmp_path, SR)
    sr01, sr02 = bench.instruments
    ui_last = 1_481_238                                            # fen of UI contributions last year
    F = _firms([(SizeClass.SMALL, 20, 0.0, ui_last, 24),          # both: SR-02 only
                (SizeClass.MEDIUM, 31, 0.15, ui_last, 24)])       # neither (layoffs)
    benefit_fen = np.array([170_100, 158_400, 158_400, 158_400])
    ledger_fen = np.zeros((2, 10, 4), np.int64)
    count = np.zeros_like(ledger_fen)
    groups = RefundGroups()
    for k, ins in ((1, sr02), (0, sr01)):                          # the engine's rank order
        stabilization_refund(ins, k, 8, 9, F, np.uint64(1), benefit_fen, 30.0, ledger_fen, count, groups)
    assert ledger_fen[1].sum() == 6 * 170_100 * 20                # SR-02: 6 × 1,701 yuan × 20 insured
    assert ledger_fen[0].sum() == 0                               # SR-01: the firm already has SR-02
    assert count.sum() == 1
    # without the group both would pay: SR-01 100 % of 14,812.38 yuan
    alone = np.zeros_like(ledger_fen)
    stabilization_refund(sr01, 0, 8, 9, F, np.uint64(1), benefit_fen, 30.0, alone, count, RefundGroups())
    assert alone[0].sum() == ui_last
    # a new calendar year: the group's marks are cleared and the firm can be paid again
    groups.new_year()
    again = np.zeros_like(ledger_fen)
    stabilization_refund(sr01, 0, 20, 9, F, np.uint64(1), benefit_fen, 30.0, again, count, groups)
    assert again[0].sum() == ui_last


def test_ui06_dibao_taper_follows_the_first_entry_into_employment_only(tmp_path):
    """003 §(十七)¶2 L77 「對首次實現就業(含自謀職業)或者自主創業…的,…實施低保漸退,自就業或者創業的當月起,
    6個月內不計算勞動收入」: 6 months of the kept 低保 (678 yuan, assumption) after the first entry; a second
    entry (after losing that job) pays nothing."""
    bench = Bench(tmp_path, instrument("UI-06", "dibao_taper", "household",
                                       'target = ["dibao"]\namount = 678\nmonths = 6\nfirst_time_only = true'))
    P = person(State.EMPLOYED, hire_flags=["dibao"], employer=0, prev_state=State.UNEMPLOYED)
    assert bench.months(P, 0, 11) == {("UI-06", "main"): 6 * 678.0}
    # the job ends, a new job begins in month 20 (a new spell: state_months back to 0)
    P[0]["state_months"] = 0
    assert bench.months(P, 20, 31) == {}
    # without first_time_only (Jixi UI-08, Jiulongpo UI-07): every entry from outside employment pays
    again = Bench(tmp_path, instrument("UI-08", "dibao_taper", "household",
                                       'target = ["dibao"]\namount = 678\nmonths = 6'))
    Q = person(State.EMPLOYED, hire_flags=["dibao"], employer=0, prev_state=State.UNEMPLOYED)
    assert again.months(Q, 0, 11) == {("UI-08", "main"): 6 * 678.0}
    Q[0]["state_months"] = 0
    assert again.months(Q, 20, 31) == {("UI-08", "main"): 6 * 678.0}


def test_tr11_a_certified_difficulty_trainee_is_paid_the_living_allowance(tmp_path):
    """003 §(十六)¶1 L67 「對參加線上培訓的建檔立卡貧困勞動力、就業困難人員、零就業家庭成員,培訓期間…參照當地
    農村居民最低生活保障標準…給予生活費補貼」: a certified 就业困难人员 who enters a course from registered
    unemployment keeps the flag in the course's entry flags (the status lasts through a course), so the
    allowance (500 a month, assumption) is paid for each course month: 3 months → 1,500."""
    bench = Bench(tmp_path, instrument("TR-11", "training_subsidy", "person",
                                       'target = ["poverty_alleviated", "difficulty", "zero_employment_family"]\n'
                                       'amount = 0\nliving_allowance = 500'))
    P = person(State.TRAINING, hire_flags=["difficulty", "reg_unemployed"], prev_state=State.UNEMPLOYED)
    assert bench.months(P, 0, 2) == {("TR-11", "training_living"): 3 * 500.0}


# ---- item 30: SI-08 / PW-01 extend only the entitlements that run out in 2020 ----------------------------
# The bench's calendar starts in 2024-01, so its first year stands for the text's 2020: the windows below
# are the text's 「实施期限爲2020年1月1日至12月31日」 moved by four years.

def test_si08_flexible_si_extension_only_for_entitlements_running_out_in_the_window(tmp_path):
    """003 §(十二)¶1 L47 「對就業困難人員享受靈活就業社會保險補貼政策期滿仍未實現穩定就業的,政策享受期限延長1年,
    實施期限爲2020年1月1日至12月31日」: 2/3 × 0.6 × 6,857.58 × 20 % = 548.61 a month, 36 months (DN A25); a
    person whose 36 months run out inside the window gets 12 more, one whose months run out after it none."""
    bench = Bench(tmp_path, instrument("SI-08", "flexible_si_subsidy", "person",
                                       'since = "2020-01"\nsince_source = "assumption: test"\ntarget = ["difficulty"]\nextension_months = 12\n'
                                       'extension_target = ["difficulty"]\nextension_expiry = ["2024-01", "2024-12"]'))
    month = 548.61

    def paid(used, first, last):
        P = person(State.FLEXIBLE, flags=["difficulty"], flex_subsidy_months=used)
        return bench.months(P, first, last).get(("SI-08", "main"), 0.0)

    assert paid(30, 0, 23) == round(18 * month, 2)    # 6 regular months, runs out in month 6: + 12
    assert paid(30, 12, 23) == round(6 * month, 2)    # runs out in month 18, after the window: none
    assert paid(38, 12, 23) == round(10 * month, 2)   # ran out in month 10 (inside): 10 of its 12 left


def test_pw01_public_post_extension_only_for_entitlements_running_out_in_the_window(tmp_path):
    """003 §(十五)¶2 L65 「對從事公益性崗位政策期滿仍未實現穩定就業的就業困難人員,政策享受期限可延長1年,實施期限爲
    2020年1月1日至12月31日」: a post held 30 months at the window's start runs out in month 6 and is paid 12
    months more (18 in all); one that runs out in month 18 is paid its 6 regular months only."""
    bench = Bench(tmp_path, instrument("PW-01", "public_job", "employer",
                                       'since = "2020-01"\nsince_source = "assumption: test"\ntarget = ["difficulty"]\nextension_months = 12\n'
                                       'extension_target = ["difficulty"]\nextension_expiry = ["2024-01", "2024-12"]'))

    def months_paid(first, last):
        P = person(State.PUBLIC_JOB, flags=["difficulty"], hire_flags=["difficulty"], state_months=30)
        return bench.months(P, first, last).get(("PW-01", "main"), 0.0) / 1_890

    assert months_paid(0, 23) == 18
    assert months_paid(12, 23) == 6
    # and the post itself lasts as long as its subsidy: the behaviour's 36 months + 12 for the first holder
    m = bench.M[0]
    bench.table.fill_month(m, 0, bench.inputs.lpr[0])
    holder = person(State.PUBLIC_JOB, flags=["difficulty"], hire_flags=["difficulty"], state_months=30)
    assert post_extension(holder[0], 0, m) == 12
    assert post_extension(holder[0], 12, m) == 0                 # this post runs out in month 18
