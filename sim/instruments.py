"""The instruments outside the ui_benefit: their month-record fields, and the aggregate types.

`InstrumentTable` translates each enabled instrument's parameters into the `ins_*` fields of the month
record that sim.kernels.pay reads (amounts rounded to the fen once per district and month), and the
lists of instruments each situation triggers. The types that concern firms or institutions rather than
persons are computed here, once a month, into the run record: 稳岗返还 (from the firms' year-end
accounts), fixed awards, and agencies' placement fees. Budget envelopes are applied afterwards
(`Envelopes`).
"""
from __future__ import annotations

import hashlib

import numpy as np

from sim.codes import ALL_GROUPS, EntityKind, Fund, InstrumentType as T, SizeClass, Slot, group_mask, group_union
from sim.kernels import layout as L
from sim.kernels.money import fen_array as fen
from sim.ledger import split_fen
from sim.params.instrument_schema import SIZES, SKILL_LEVELS
from sim.params.months import calendar_month
from sim.rng import fold, month_key, uniforms

KIND = {T.stabilization_refund: L.K_REFUND, T.hiring_bonus: L.K_BONUS, T.hiring_si_subsidy: L.K_HIRE_SI,
        T.flexible_si_subsidy: L.K_FLEX_SI, T.startup_grant: L.K_GRANT, T.rent_subsidy: L.K_RENT,
        T.guaranteed_loan: L.K_LOAN, T.training_subsidy: L.K_TRAINING, T.skill_upgrade_subsidy: L.K_SKILL,
        T.internship_subsidy: L.K_INTERN, T.public_job: L.K_PUBLIC, T.one_time_allowance: L.K_ALLOWANCE,
        T.tax_credit: L.K_TAX, T.fixed_award: L.K_AWARD, T.contribution_relief: L.K_RELIEF,
        T.dibao_taper: L.K_DIBAO, T.placement_fee: L.K_PLACEMENT}
EVENTS = {"graduating": L.EVENT_GRADUATING, "employed_away": L.EVENT_EMPLOYED_AWAY,
          "employed": L.EVENT_EMPLOYED, "business_start": L.EVENT_BUSINESS_START}
SECTORS = {"any": L.SECTOR_ANY, "agriculture": L.SECTOR_AGRICULTURE, "non_agriculture": L.SECTOR_NON_AGRICULTURE}
EMPLOYER_LINES = ("pension_employer", "medical_employer", "ui_employer", "injury_employer")


def instrument_key(instrument_id: str) -> np.uint64:
    """A stable 64-bit key from the instrument's ID: its draws do not depend on its ledger position, so
    adding or disabling another instrument changes none of them."""
    return np.uint64(int.from_bytes(hashlib.sha256(instrument_id.encode()).digest()[:8], "little") >> 1)


def _sizes(params: dict) -> int:
    return sum(1 << SIZES.index(name) for name in params.get("firm_sizes", SIZES))


class InstrumentTable:
    """The month-record fields of every enabled instrument (k = its ledger slot)."""

    def __init__(self, scenario, instruments: tuple, inputs, weight: float, n_districts: int):
        self.instruments = instruments
        self.inputs = inputs
        self.start = scenario.start
        self.weight = weight
        self.n_districts = n_districts
        si = scenario.profile["social_insurance"]
        self.si = si
        self.employer_rate = sum(si[line] for line in EMPLOYER_LINES)
        self.average_month = scenario.profile["wages"]["provincial_average_wage"] / 12
        responses = scenario.behaviour["responses"]
        self.responses_on = responses["enabled"]
        self.hire_multiple = responses["hire_wage_multiple"]
        groups = sorted({ins.exclusive_group for ins in instruments if ins.exclusive_group})
        self.group_of = {name: g for g, name in enumerate(groups)}
        self.order = sorted(range(len(instruments)), key=lambda k: (-instruments[k].priority, k))
        self.rank = {k: r for r, k in enumerate(self.order)}
        claim_bits = [k for k, ins in enumerate(instruments) if ins.type == T.one_time_allowance
                      and ins.params["once_per_person"]]
        self.claim_bit = {k: b for b, k in enumerate(claim_bits)}     # ≤ 16: validated
        self.retention = scenario.behaviour["internship"]["retention_probability"]
        self.person_level = any(KIND.get(ins.type) not in (None, L.K_REFUND, L.K_AWARD) for ins in instruments)
        self.loan_room = {}          # guaranteed_loan k → guarantee capacity left (yuan), None = unlimited

    # ---- static fields ---------------------------------------------------------------------------
    def fill_static(self, m) -> None:
        m["n_ins"] = len(self.instruments) if self.person_level else 0
        lists = np.zeros((L.N_LISTS, L.MAX_INSTRUMENTS), np.int64)
        lengths = np.zeros(L.N_LISTS, np.int64)
        window, near_max = 0, -1
        for k, ins in enumerate(self.instruments):
            m["ins_slot"][k] = k
            m["ins_claim_bit"][k] = self.claim_bit.get(k, -1)
            m["ins_group"][k] = -1
            if ins.type == T.ui_benefit:       # paid by sim.kernels.ui, never part of a group's claim
                continue
            p = ins.params
            kind = KIND[ins.type]
            m["ins_kind"][k] = kind
            m["ins_first"][k], m["ins_last"][k] = ins.first, ins.last
            m["ins_key"][k] = instrument_key(ins.id)
            m["ins_target"][k], m["ins_exclude"][k] = ins.target_mask, ins.exclude_mask
            m["ins_all_of"][k, :len(ins.target_all_of)] = ins.target_all_of
            m["ins_group"][k] = self.group_of.get(ins.exclusive_group, -1)
            m["ins_rank"][k] = self.rank[k]
            m["ins_sizes"][k] = _sizes(p)
            situations = _lists(kind, p)
            for list_id in situations:
                lists[list_id, lengths[list_id]] = k
                lengths[list_id] += 1
            wait, most, near = self._static(m, k, kind, p)
            if L.L_EMPLOYMENT in situations:
                window = max(window, wait, most)
                near_max = max(near_max, near)
        m["lists"], m["list_len"] = lists, lengths
        m["list_bits"] = np.array([sum(1 << int(k) for k in lists[list_id, :lengths[list_id]])
                                   for list_id in range(L.N_LISTS)], np.uint64)
        members = np.full((L.MAX_INSTRUMENTS, L.MAX_INSTRUMENTS), -1, np.int8)
        group_len = np.zeros(L.MAX_INSTRUMENTS, np.int64)
        for k in self.order:                  # rank order
            g = m["ins_group"][k]
            if g >= 0:
                members[g, group_len[g]] = k
                group_len[g] += 1
        m["group_members"], m["group_len"] = members, group_len
        m["employment_window"], m["near_retirement_max"] = window, near_max
        cost = 12 * self.hire_multiple * self.inputs.min_wage.astype(np.float64) * (1 + self.employer_rate)
        m["annual_labour_cost"] = cost

    def _static(self, m, k: int, kind: int, p: dict) -> tuple[int, int, int]:
        """Fields fixed through the run; returns (wait, max months, near-retirement months)."""
        wait = most = 0
        near = -1
        if kind == L.K_BONUS:
            m["ins_wait"][k], m["ins_max"][k] = p["vesting_months"], p["min_contract_months"]
            return p["vesting_months"], 0, -1
        if kind == L.K_HIRE_SI:
            most = p["max_months"]
            near = int(round(p["to_retirement_within_years"] * 12))
            m["ins_near_retirement"][k] = near
            m["ins_rate"][k] = sum(self.si[line] for line in p["lines"])
        elif kind == L.K_FLEX_SI:
            most = p["max_months"]
            m["ins_extend"][k] = p["extension_months"]
            m["ins_extend_target"][k] = group_mask(p["extension_target"])
            m["ins_near_retirement"][k] = int(round(p["to_retirement_within_years"] * 12))
        elif kind == L.K_GRANT:
            wait = p["operating_months"]
            m["ins_option"][k] = SECTORS[p["sector"]]
            m["ins_flag"][k] = p["first_time_only"]
        elif kind == L.K_RENT:
            wait, most = p["start_after_months"], p["max_months"]
            m["ins_share"][k] = p["renting_share"]
            m["ins_flag"][k] = p["first_time_only"]
        elif kind == L.K_LOAN:
            most = p["term_months"]
            m["ins_extend"][k] = p["deferral_months"]
            m["ins_share"][k], m["ins_share2"][k] = p["default_share"], p["min_share_of_limit"]
            m["ins_share3"][k], m["ins_rate2"][k] = p["compensation_share"], p["deferral_share"]
            self.loan_room[k] = p["leverage"] * p["guarantee_fund_yuan"] if p["guarantee_fund_yuan"] > 0 else None
        elif kind == L.K_TRAINING:
            m["ins_flag"][k] = p["certificate_required"]
        elif kind == L.K_SKILL:
            wait, most = p["min_ui_months"], p["max_per_year"]
        elif kind == L.K_INTERN:
            most = p["months"]
            m["ins_flag"][k] = p["remaining_period"]
        elif kind == L.K_PUBLIC:
            most = p["max_months"]
            m["ins_extend"][k] = p["extension_months"]
            m["ins_extend_target"][k] = group_mask(p["extension_target"])
            m["ins_option"][k] = p["max_placements"]
        elif kind == L.K_ALLOWANCE:
            wait = p["wait_months"]
            m["ins_option"][k] = EVENTS[p["event"]]
        elif kind == L.K_TAX:
            most = int(round(p["max_years"] * 12))
            m["ins_option"][k] = L.TAX_HIRE if p["applies_to"] == "hire" else L.TAX_BUSINESS
        elif kind == L.K_DIBAO:
            most = p["months"]
        elif kind == L.K_PLACEMENT:
            wait = p["vesting_months"]
            m["ins_share"][k] = p["via_agency_share"]
        elif kind == L.K_RELIEF:
            lines = p["lines"]
            m["ins_option"][k] = int("ui_employer" in lines)
        m["ins_wait"][k] = wait
        m["ins_max"][k] = most
        return wait, most, near

    # ---- monthly fields ----------------------------------------------------------------------------
    def fill_month(self, m, t: int, lpr_percent: float) -> None:
        D = self.n_districts
        min_wage = self.inputs.min_wage.astype(np.float64)
        startup_mask, refund_sizes = 0, 0
        for k, ins in enumerate(self.instruments):
            if ins.type == T.ui_benefit:
                continue
            p = ins.params
            kind = KIND[ins.type]
            active = bool(ins.active[t])
            m["ins_active"][k] = active
            m["ins_take_up"][k] = ins.take_up[t]
            amount = extra = third = 0.0
            if kind == L.K_BONUS:
                amount = p["amount"][t]
                m["ins_value"][k] = amount
            elif kind == L.K_HIRE_SI:
                m["ins_share"][k] = p["share"][t]
                floor = self.inputs.floor_yuan
                wage_base = min(max(floor, self.hire_multiple * float(min_wage.mean())), self.inputs.ceiling_yuan)
                at_floor = self.si["declared_base_at_floor_share"]    # the declared base, as expected
                base = at_floor * floor + (1 - at_floor) * wage_base
                m["ins_value"][k] = p["share"][t] * m["ins_rate"][k] * base * p["max_months"]
            elif kind == L.K_FLEX_SI:
                amount = p["share"][t] * p["base_share"][t] * self.average_month * p["contribution_rate"][t]
            elif kind == L.K_GRANT:
                amount = p["amount"][t]
            elif kind == L.K_RENT:
                amount = min(p["typical_rent"][t], p["cap_month"][t])
            elif kind == L.K_LOAN:
                amount = p["limit"][t]
                m["ins_rate"][k] = _interest_subsidy(p, t, lpr_percent)
                room = self.loan_room[k]
                m["ins_capacity"][k] = 1.0 if room is None or room > 0 else 0.0
            elif kind == L.K_TRAINING:
                amount = p["per_day"][t] * p["days"] + p["amount"][t]
                extra, third = p["living_allowance"][t], p["followup_fee"][t]
                m["ins_level_fen"][k, 0] = fen(p["appraisal"][t])
            elif kind == L.K_SKILL:
                m["ins_level_fen"][k] = fen([p["amount"][level] for level in SKILL_LEVELS])
            elif kind == L.K_INTERN:
                high = self.retention >= p["high_retention_rate"]
                share = p["high_retention_share"][t] if high else p["allowance_share"][t]
                m["ins_amount_fen"][k] = fen(share * min_wage)
                m["ins_extra_fen"][k] = fen(np.full(D, p["retention_bonus"][t]))
                continue
            elif kind == L.K_PUBLIC:
                m["ins_amount_fen"][k] = fen(p["post_subsidy_share"][t] * min_wage)
                m["ins_extra_fen"][k] = fen(np.full(D, p["si_subsidy_share"][t] * self.inputs.floor_yuan
                                                    * self.employer_rate))
                continue
            elif kind == L.K_ALLOWANCE:
                amount, extra = p["amount"][t], p["cross_province_amount"][t]
            elif kind == L.K_TAX:
                amount = p["per_year"][t] * p["usable_share"][t] / 12
                if p["applies_to"] == "hire":
                    m["ins_value"][k] = p["per_year"][t] * p["usable_share"][t] * p["max_years"]
            elif kind == L.K_RELIEF:
                share = p["share"][t]
                m["ins_rate"][k] = share * sum(self.si[line] for line in p["lines"])
                m["ins_rate2"][k] = share * self.si["ui_employer"] if m["ins_option"][k] else 0.0
            elif kind == L.K_DIBAO:
                amount = p["amount"][t]
            if kind in (L.K_GRANT, L.K_LOAN) and active and self.responses_on:
                # the entry response reads one any-of mask: an all-of entry counts by any of its flags
                # (a slight overreach of the response only; eligibility itself tests the whole entry)
                reach = ins.target_mask | group_union(ins.target_all_of)
                startup_mask |= reach or ALL_GROUPS
            if kind == L.K_REFUND and active and self.responses_on:
                refund_sizes |= _sizes(p)
            m["ins_amount_fen"][k] = fen(np.full(D, amount))
            m["ins_extra_fen"][k] = fen(np.full(D, extra))
            m["ins_third_fen"][k] = fen(np.full(D, third))
        m["startup_mask"] = startup_mask
        m["refund_sizes"] = refund_sizes

    def after_month(self, t: int, loan_fen: np.ndarray) -> None:
        """Guarantee capacity for next month's new loans: leverage × fund − principal outstanding."""
        for k, room in self.loan_room.items():
            if room is not None:
                ins = self.instruments[k]
                p = ins.params
                self.loan_room[k] = p["leverage"] * p["guarantee_fund_yuan"] - loan_fen[k] * self.weight / 100


def _lists(kind: int, p: dict) -> tuple[int, ...]:
    """The situations that trigger an instrument of this kind (sim.kernels.layout L_*)."""
    if kind in (L.K_BONUS, L.K_HIRE_SI):
        return (L.L_EMPLOYMENT, L.L_HIRE_VALUE)
    if kind == L.K_TAX:
        return (L.L_EMPLOYMENT, L.L_HIRE_VALUE) if p["applies_to"] == "hire" else (L.L_BUSINESS,)
    if kind in (L.K_PLACEMENT, L.K_DIBAO):
        return (L.L_EMPLOYMENT,)
    if kind == L.K_ALLOWANCE:
        return {"graduating": (L.L_GRADUATING,), "business_start": (L.L_BUSINESS,)}.get(p["event"], (L.L_EMPLOYMENT,))
    return {L.K_GRANT: (L.L_BUSINESS,), L.K_RENT: (L.L_BUSINESS,), L.K_LOAN: (L.L_BUSINESS,),
            L.K_FLEX_SI: (L.L_FLEXIBLE,), L.K_TRAINING: (L.L_TRAINING,), L.K_INTERN: (L.L_INTERN,),
            L.K_PUBLIC: (L.L_PUBLIC,), L.K_SKILL: (L.L_SKILL,), L.K_RELIEF: (L.L_RELIEF,)}.get(kind, ())


def _interest_subsidy(p: dict, t: int, lpr_percent: float) -> float:
    """Annual rate the budget pays on a guaranteed loan's principal (a fraction)."""
    lending = lpr_percent / 100 + p["spread_bp"][t] / 10_000
    if p["subsidy_rule"] == "share":
        return max(lending, 0.0) * p["subsidy_share"][t]
    borrower = max(lpr_percent / 100 - p["borrower_discount_bp"][t] / 10_000, 0.0)
    return max(lending - borrower, 0.0)


# ---- aggregate instruments (firms, institutions, agencies) ------------------------------------------

def stabilization_refund(ins, k: int, t: int, month_of_year: int, F: np.ndarray, run_key: np.uint64,
                         benefit_fen: np.ndarray, cover: float, ledger_fen: np.ndarray,
                         ledger_count: np.ndarray) -> None:
    """稳岗返还 in its pay month: every alive firm that passes the tests is paid (sample fen, by the
    firm's district) the refund computed on last year's accounts (firms.year_end_close)."""
    p = ins.params
    if month_of_year != p["pay_month"] or not ins.active[t] or cover < p["min_fund_months"]:
        return
    n = len(F)
    draws = np.empty(n)
    key = np.uint64(fold(np.uint64(month_key(np.uint64(run_key), EntityKind.FIRM, t)), np.int64(instrument_key(ins.id))))
    uniforms(key, 0, n, Slot.INSTRUMENT, draws)
    insured = F["insured_avg_last"]
    small = insured <= p["small_firm_insured_max"]
    limit = np.where(small, np.maximum(p["small_firm_layoff_rate_max"], p["layoff_rate_max"][t]),
                     p["layoff_rate_max"][t])
    eligible = ((F["alive"] == 1) & (insured > 0) & (F["layoff_rate_last"] <= limit)
                & (F["contrib_months"] >= p["min_contribution_months"])
                & (((_sizes(p) >> F["size_class"].astype(np.int64)) & 1) == 1)
                & (draws < ins.take_up[t]))
    sme = F["size_class"] < SizeClass.LARGE
    share = np.where(sme, p["share"].get("sme", 0.0), p["share"].get("large", 0.0))
    if p["basis"] == "ui_contributions":
        amount = np.floor(share * F["ui_contrib_last"] + 0.5)
    elif p["basis"] == "si_contribution_months":
        amount = np.floor(share * p["contribution_months"] * F["si_contrib_last"] / 12 + 0.5)
    else:
        amount = np.floor(p["benefit_months"] * benefit_fen[F["district"]] * insured + 0.5)
    amount = np.where(eligible, amount, 0).astype(np.int64)
    districts = F["district"].astype(np.int64)
    np.add.at(ledger_fen[k, 0], districts, amount)
    np.add.at(ledger_count[k, 0], districts, (amount > 0).astype(np.int64))


def fixed_award(ins, k: int, t: int, month_of_year: int, district_shares: np.ndarray, direct_fen: np.ndarray,
                direct_count: np.ndarray) -> None:
    """Awards to institutions in `award_month`: count × amount (real yuan), spread over districts by
    population share (exact in fen, largest remainder)."""
    p = ins.params
    if month_of_year != p["award_month"] or not ins.active[t]:
        return
    total = int(fen(p["count"][t] * p["amount"][t]))
    _spread(total, district_shares, direct_fen[k])
    _spread(int(round(p["count"][t])), district_shares, direct_count[k])


def placement_fees(ins, k: int, t: int, placements_year: np.ndarray, weight: float, direct_fen: np.ndarray,
                   direct_count: np.ndarray) -> None:
    """Agencies' fees for the year's vested placements (paid at the year's last run month): the
    placements are shared equally by `agencies` agencies; each earns the rate of the highest tier it
    reaches on all its placements, up to `cap_per_agency`."""
    p = ins.params
    total = float(placements_year.sum()) * weight
    if total <= 0:
        return
    per_agency = total / p["agencies"]
    rate = 0.0
    for threshold, yuan in p["tiers"]:
        if per_agency >= threshold:
            rate = yuan
    cap = p["cap_per_agency"][t]
    fee = min(rate * per_agency, cap) * p["agencies"]
    _spread(int(fen(fee)), placements_year / placements_year.sum(), direct_fen[k])
    direct_count[k] += np.rint(placements_year * weight).astype(np.int64) if rate > 0 else 0


def _spread(total: int, shares: np.ndarray, out: np.ndarray) -> None:
    parts = split_fen(total, {d: float(s) for d, s in enumerate(shares) if s > 0})
    for d, part in parts.items():
        out[d] += part


# ---- budget envelopes -----------------------------------------------------------------------------

class Envelopes:
    """Annual budgets of funds (DESIGN §4): the share of each month's claims on a fund that is paid."""

    def __init__(self, scenario, instruments: tuple, weight: float):
        self.budget = scenario.budget
        self.start = scenario.start
        self.weight = weight
        self.funding = [ins.funding for ins in instruments]
        self.left: dict[Fund, float] = {}

    def month(self, t: int, ledger_fen_t: np.ndarray, direct_fen_t: np.ndarray, fraction_t: np.ndarray) -> None:
        """Set fraction_t[fund] for the funds with an envelope from this month's claims (yuan)."""
        month_of_year = calendar_month(self.start, t)
        for fund, (annual, rule) in self.budget.items():
            if t == 0 or month_of_year == 1:
                self.left[fund] = float(annual[t])
            demand = 0.0
            for k, shares in enumerate(self.funding):
                if fund not in shares:
                    continue
                cells = int(ledger_fen_t[k].sum())
                if cells:
                    demand += split_fen(cells, shares)[fund] * self.weight / 100
                direct = int(direct_fen_t[k].sum())
                if direct:
                    demand += split_fen(direct, shares)[fund] / 100
            allowed = self.left[fund] if rule == "stop" else self.left[fund] / (13 - month_of_year)
            fraction = 1.0 if demand <= allowed else max(allowed, 0.0) / demand
            fraction_t[fund] = fraction
            self.left[fund] -= fraction * demand
