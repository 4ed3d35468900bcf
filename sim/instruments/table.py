"""The month-record fields of every enabled instrument outside the ui_benefit.

`InstrumentTable` writes the fields every instrument has (`ins_*`: its slot, window, groups, take-up,
main amount …) and runs each type's declaration (sim.instruments.registry) for its named fields, once
(`fill_static`) and each month (`fill_month`; amounts rounded to the fen once per district and month). The
month record keeps its values from one month to the next, so `fill_month` rewrites an instrument's fields
only in the months where its inputs change (`changes`; per-month Python work between kernel calls is
what makes small runs slow, issue 14). It also builds the lists of instruments each situation triggers, the exclusive groups, and the summaries
the person pass uses to skip work.
"""
from __future__ import annotations

import numpy as np

from sim.codes import ALL_GROUPS, InstrumentType as T, group_union
from sim.instruments.declaration import OutsideMonth, firm_sizes, instrument_key
from sim.instruments.registry import DECLARATION
from sim.instruments.startup import loan_room_after
from sim.kernels import layout as L

EMPLOYER_LINES = ("pension_employer", "medical_employer", "ui_employer", "injury_employer")


class InstrumentTable:
    """The month-record fields of every enabled instrument (k = its ledger slot). Declarations read the
    run's constants from it (`average_month`, `at_floor`, `inputs`, …) and the locality's rules by run month
    (`rates[line][t]`, `employer_rate[t]`, `min_wage[t]`: the profile's effective-month tables)."""

    def __init__(self, scenario, instruments: tuple, inputs, weight: float, n_districts: int):
        self.instruments = instruments
        self.inputs = inputs
        self.start = scenario.start
        self.months = scenario.months
        self.weight = weight
        self.n_districts = n_districts
        self.rates = inputs.rates                  # SI line -> rate by run month
        self.employer_rate = sum(inputs.rates[line] for line in EMPLOYER_LINES)
        self.at_floor = scenario.profile["social_insurance"]["declared_base_at_floor_share"]
        self.average_month = scenario.profile["wages"]["provincial_average_wage"] / 12
        responses = scenario.behaviour["responses"]
        self.responses_on = responses["enabled"]
        self.hire_multiple = responses["hire_wage_multiple"]
        groups = sorted({ins.exclusive_group for ins in instruments if ins.exclusive_group})
        self.group_of = {name: g for g, name in enumerate(groups)}
        self.order = sorted(range(len(instruments)), key=lambda k: (-instruments[k].priority, k))
        self.rank = {k: r for r, k in enumerate(self.order)}
        claim_bits = [k for k, ins in enumerate(instruments) if ins.type in DECLARATION
                      and DECLARATION[ins.type].once_per_person(ins.params)]
        self.claim_bit = {k: b for b, k in enumerate(claim_bits)}     # ≤ 16: validated
        self.retention = scenario.behaviour["internship"]["retention_probability"]
        self.person_level = any(ins.type in DECLARATION and DECLARATION[ins.type].person_level
                                for ins in instruments)
        # public posts (real persons) the instruments state; 0 when none does (the behaviour's capacity)
        self.stated_posts = sum(DECLARATION[ins.type].stated_posts(ins.params) for ins in instruments
                                if ins.type in DECLARATION)
        # in rank order: an exclusive group's first member pays first (稳岗返还 variants, RefundGroups)
        self.paid_outside = [(k, instruments[k], DECLARATION[instruments[k].type].pay_outside) for k in self.order
                             if instruments[k].type in DECLARATION
                             and DECLARATION[instruments[k].type].pay_outside is not None]
        self.loan_room = {}          # guaranteed_loan k → guarantee capacity left (yuan), None = unlimited
        self.min_wage = inputs.min_wage.astype(np.float64)     # [month, district]
        self.lpr_percent = 0.0       # this month's loan prime rate (fill_month)
        self.refill: list[list[int]] | None = None        # per month: the slots whose fields change (plan)
        self.last_filled = None      # the month fill_month last wrote

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
            declaration = DECLARATION[ins.type]
            m["ins_kind"][k] = declaration.kernel_rule
            m["ins_first"][k], m["ins_last"][k] = ins.first, ins.last
            m["ins_key"][k] = instrument_key(ins.id)
            m["ins_target"][k], m["ins_exclude"][k] = ins.target_mask, ins.exclude_mask
            m["ins_all_of"][k, :len(ins.target_all_of)] = ins.target_all_of
            m["ins_group"][k] = self.group_of.get(ins.exclusive_group, -1)
            m["ins_rank"][k] = self.rank[k]
            m["ins_sizes"][k] = firm_sizes(p)
            situations = declaration.situations(p)
            for list_id in situations:
                lists[list_id, lengths[list_id]] = k
                lengths[list_id] += 1
            months, near = declaration.static(m, k, p, self)
            if L.L_EMPLOYMENT in situations:
                window = max(window, months)
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

    # ---- monthly fields ----------------------------------------------------------------------------
    def fill_month(self, m, t: int, lpr_percent: float) -> None:
        """This month's fields: every instrument's in a run's first month, then only the instruments whose
        inputs change in month t (`plan`); what is not rewritten keeps last month's value."""
        self.lpr_percent = lpr_percent
        if self.refill is None:
            self.plan()
        following = t == self.last_filled + 1
        slots = self.refill[t] if following else self.slots
        if not following or self.inputs.changes[t]:
            m["annual_labour_cost"] = 12 * self.hire_multiple * self.min_wage[t] * (1 + self.employer_rate[t])
        for k in slots:
            ins = self.instruments[k]
            m["ins_active"][k] = bool(ins.active[t])
            m["ins_take_up"][k] = ins.take_up[t]
            DECLARATION[ins.type].month(m, k, ins.params, t, self)
        m["startup_mask"] = self.startup_mask[t]
        m["refund_sizes"] = self.refund_sizes[t]
        self.last_filled = t

    def plan(self) -> None:
        """Per month, the slots whose fields `fill_month` must rewrite (first month: all; every slot in
        the few months where the locality's rates or minimum wage change, which declarations read), and
        the month's entry-response mask and refund-response size classes."""
        months = self.months
        self.slots = [k for k, ins in enumerate(self.instruments) if ins.type != T.ui_benefit]
        self.refill = [[] for _ in range(months)]
        self.last_filled = -2          # no month yet: the first one fills every slot
        for k in self.slots:
            ins = self.instruments[k]
            changed = np.zeros(months, bool)
            changed[0] = True
            changed |= self.inputs.changes
            if DECLARATION[ins.type].every_month:
                changed[:] = True
            for values in (ins.active, ins.take_up, *changes(ins.params, months)):
                if months > 1:
                    changed[1:] |= (values[1:] != values[:-1]).reshape(months - 1, -1).any(axis=1)
            for t in np.flatnonzero(changed):
                self.refill[t].append(k)
        self.startup_mask, self.refund_sizes = response_masks(self.instruments, months, self.responses_on)

    def pay_outside(self, month: OutsideMonth) -> None:
        """The month's payments to firms, institutions and agencies, in rank order (priority, then slot)."""
        for k, ins, pay in self.paid_outside:
            pay(ins, k, month)

    def after_month(self, t: int, loan_fen: np.ndarray) -> None:
        """Guarantee capacity for next month's new loans."""
        for k, room in self.loan_room.items():
            if room is not None:
                self.loan_room[k] = loan_room_after(self.instruments[k].params, loan_fen[k], self.weight)


def response_masks(instruments, months: int, responses_on: bool) -> tuple[list[int], list[int]]:
    """Per month, the groups whose business entry and survival the start-up response raises
    (`startup_mask`) and the size classes whose layoffs the refund response lowers (`refund_sizes`): what
    the in-force instruments' being there changes in the behaviour besides the hiring response
    (sim.attribution compares them with and without an instrument)."""
    startup_mask, refund_sizes = np.zeros(months, np.int64), np.zeros(months, np.int64)
    for ins in instruments if responses_on else ():
        if ins.type == T.ui_benefit:
            continue
        declaration = DECLARATION[ins.type]
        active = np.asarray(ins.active[:months], bool)
        if declaration.startup_response:
            # the entry response reads one any-of mask: an all-of entry counts by any of its flags
            # (a slight overreach of the response only; eligibility itself tests the whole entry)
            startup_mask |= np.where(active, (ins.target_mask | group_union(ins.target_all_of)) or ALL_GROUPS, 0)
        if declaration.refund_response:
            refund_sizes |= np.where(active, firm_sizes(ins.params), 0)
    return startup_mask.tolist(), refund_sizes.tolist()


def changes(value, months: int):
    """The by-month arrays (first axis: the run's months) in an instrument's parameters, at any depth."""
    if isinstance(value, np.ndarray):
        if value.ndim >= 1 and len(value) == months:
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from changes(item, months)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from changes(item, months)
