"""ui_benefit (失业保险金) golden cases computed by hand from the rules the scenario cites.

Rules: 《失业保险条例》 Art. 14 (≥ 1 year of contributions), Art. 17 (1–5 years → 12 months, 5–10 → 18,
≥ 10 → 24; unused months carry over, at most 24) — DOMAIN_NOTES A14/A15; benefit 90 % of the minimum wage
(A16); continuation to retirement when < 1 year remains (003 §(十七)¶1); 失业补助金 after expiry
(assumption in scenarios/liupanshui-2023.toml: 80 % of the benefit for 6 months).
"""
from __future__ import annotations

import numpy as np
import pytest

from sim.codes import CostLine, UiStatus
from sim.packing import MAX_SCHEDULE_ROWS as MAX_SCHEDULE, _fen
from sim.kernels.layout import chunk_dtype, month_dtype
from sim.kernels.ui import PAID_AID, PAID_BENEFIT, PAID_NONE, entitlement_months, pay_month, try_claim
from sim.population.arrays import PERSON_DTYPE

YEARS = np.array([1.0, 5.0, 10.0] + [np.inf] * (MAX_SCHEDULE - 3))
MONTHS = np.array([12, 18, 24] + [0] * (MAX_SCHEDULE - 3), np.int64)
ZHONGSHAN_MIN_WAGE = 1890          # Guizhou tier-I minimum wage from 2023-02 (profile districts.minimum_wage)


@pytest.mark.parametrize("contribution_months, carried, expected", [
    (11, 0, 0),        # < 1 year: not eligible
    (12, 0, 12),       # exactly 1 year
    (59, 0, 12),       # 4 years 11 months
    (60, 0, 18),       # 5 years
    (119, 0, 18),
    (120, 0, 24),      # 10 years
    (400, 0, 24),
    (12, 10, 22),      # 12 new + 10 carried over
    (60, 10, 24),      # 18 + 10 capped at 24
])
def test_entitlement_by_contribution_years(contribution_months, carried, expected):
    assert entitlement_months(contribution_months, carried, YEARS, MONTHS, 24, True) == expected


def test_no_carry_over_when_switched_off():
    assert entitlement_months(60, 10, YEARS, MONTHS, 24, False) == 18


def _month(t=0):
    m = np.zeros(1, month_dtype(1, MAX_SCHEDULE))[0]
    m["t"] = t
    m["ui_active"], m["ui_take_up"] = True, 1.0
    benefit_yuan = 0.9 * ZHONGSHAN_MIN_WAGE                 # 1,701.00 yuan
    m["benefit_fen"] = _fen(np.array([benefit_yuan]))
    m["medical_fen"] = _fen(np.array([0.085 * benefit_yuan]))   # 144.585 → 144.59 yuan (half up)
    m["aid_fen"] = _fen(np.array([0.8 * benefit_yuan]))         # 1,360.80 yuan
    m["min_contribution_months"] = 12
    m["schedule_years"], m["schedule_months"] = YEARS, MONTHS
    m["max_months"], m["carry_over"] = 24, True
    m["continue_within"], m["aid_months"] = 12, 6
    m["registration_required"] = True
    return m


def test_amounts_are_rounded_half_up_to_the_fen():
    m = _month()
    assert m["benefit_fen"][0] == 170_100
    assert m["medical_fen"][0] == 14_459
    assert m["aid_fen"][0] == 136_080


def _person(ui_contrib_months, months_to_retirement):
    p = np.zeros(1, PERSON_DTYPE)
    p["ui_contrib_months"] = ui_contrib_months
    p["contrib_months"] = ui_contrib_months
    p["retire_month"] = months_to_retirement
    return p


def _pay_until_done(p, m, months):
    acc = np.zeros(1, chunk_dtype(1, 1, 40, 4))
    paid = []
    for t in range(months):
        m["t"] = t
        paid.append(pay_month(p[0], m, acc[0]))
    return paid, acc[0]


def test_three_years_of_contributions_pays_12_months_then_6_months_of_aid():
    m = _month()
    p = _person(ui_contrib_months=36, months_to_retirement=300)
    assert try_claim(p[0], m)
    assert p[0]["ui_status"] == UiStatus.BENEFIT and p[0]["ui_left"] == 12 and p[0]["ui_contrib_months"] == 0
    paid, acc = _pay_until_done(p, m, 20)
    assert paid == [PAID_BENEFIT] * 12 + [PAID_AID] * 6 + [PAID_NONE] * 2
    assert acc["ledger_fen"][0, CostLine.main, 0] == 12 * 170_100            # 20,412.00 yuan
    assert acc["ledger_fen"][0, CostLine.ui_medical, 0] == 12 * 14_459       # medical only with the benefit
    assert acc["ledger_fen"][0, CostLine.ui_aid, 0] == 6 * 136_080           # 8,164.80 yuan
    assert p[0]["ui_status"] == UiStatus.EXHAUSTED


def test_near_retirement_benefit_continues_until_retirement():
    m = _month()
    p = _person(ui_contrib_months=12 * 30, months_to_retirement=30)      # 24 months' entitlement
    assert try_claim(p[0], m) and p[0]["ui_left"] == 24
    paid, _ = _pay_until_done(p, m, 30)
    # at expiry (after month 23) fewer than 12 months remain to retirement (month 30) → continue
    assert paid == [PAID_BENEFIT] * 30
    assert p[0]["ui_status"] == UiStatus.TO_RETIREMENT


def test_too_few_contributions_gets_nothing():
    m = _month()
    p = _person(ui_contrib_months=11, months_to_retirement=300)
    assert not try_claim(p[0], m)
    assert p[0]["ui_status"] == UiStatus.EXHAUSTED
    paid, acc = _pay_until_done(p, m, 3)
    assert paid == [PAID_NONE] * 3 and acc["ledger_fen"].sum() == 0


def test_aid_for_the_ineligible_when_switched_on():
    m = _month()
    m["aid_for_ineligible"] = True
    p = _person(ui_contrib_months=6, months_to_retirement=300)
    assert not try_claim(p[0], m)
    paid, acc = _pay_until_done(p, m, 8)
    assert paid == [PAID_AID] * 6 + [PAID_NONE] * 2
    assert acc["ledger_fen"][0, CostLine.ui_aid, 0] == 6 * 136_080


def test_unused_months_carry_into_the_next_claim():
    m = _month()
    p = _person(ui_contrib_months=36, months_to_retirement=300)
    try_claim(p[0], m)
    _pay_until_done(p, m, 4)                       # 4 of 12 months used, then re-employed
    assert p[0]["ui_left"] == 8
    p[0]["ui_status"] = UiStatus.NONE
    p[0]["ui_contrib_months"] = 14                 # 14 new months of contributions
    assert try_claim(p[0], m)
    assert p[0]["ui_left"] == 12 + 8
