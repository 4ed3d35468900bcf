"""Counterfactual attribution (DESIGN §8): what each instrument adds, found by switching it off.

For one replication of a scenario: the factual run is traced person by person (when each instrument
first paid a person, and the person's last entry into employment before that); then, for every
instrument that paid anything, the same replication runs from the same starting population with the
same random numbers and that instrument disabled, tracing who enters employment when. Because every
draw is keyed by (run, month, person, decision), a person whose history the instrument did not change
has the identical history in both runs, so deadweight is identified person by person:

- a **subsidised hire** is a person the instrument paid while employed (employee, own business,
  flexible work or public post), dated by the person's last entry into employment up to the first
  payment (or "before the run" when the job predates it);
- it is **deadweight** when the counterfactual has the same person entering employment within
  ±`window` months of that date (for a job predating the run: employed in the counterfactual in the
  month of the first payment);
- **additional jobs** are the difference in the number employed (all four kinds, population estimate)
  at the end of the horizon; **additional employment-months** the difference summed over all months;
- **offsets**: payments of every other instrument that the factual saves (UI benefits separately),
  and UI contributions it gains; the net cost is the own cost minus the offsets.

Method, definitions and limits: docs/attribution.md.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from sim.codes import Fund, InstrumentType, Outcome, State
from sim.funds import UiFund
from sim.instruments import DECLARATION
from sim.instruments.table import response_masks
from sim.kernels import layout as L
from sim.params import Scenario
from sim.params.months import calendar_month
from sim.warmup import WarmState, run
from sim.population.arrays import NEVER
from sim.replicate import without
from sim.stats import mean_interval

EMPLOYED_STATES = (State.EMPLOYED, State.SELF_EMPLOYED, State.FLEXIBLE, State.PUBLIC_JOB)
EMPLOYED_STOCKS = (Outcome.stock_employed, Outcome.stock_self_employed, Outcome.stock_flexible,
                   Outcome.stock_public_job)
DEFAULT_WINDOW = 3          # months either side of the factual hire (assumption, see docs/attribution.md)
IS_EMPLOYED = np.isin(np.arange(max(State) + 1), EMPLOYED_STATES)     # by state code (a lookup: traced monthly)


def _employed(state: np.ndarray) -> np.ndarray:
    return IS_EMPLOYED[state]


def _entered(population, t: int) -> np.ndarray:
    """Persons whose current employment began this month (a new spell or a new employer)."""
    P = population.persons
    return _employed(P.state) & ((P.state_months == 0) | (P.hire_month == t))


class FactualTrace:
    """`simulate(observe=…)` callback for the factual run: per instrument slot, the persons it paid
    for the first time each month, with their employment status then and the date of their hire.
    `first`: run month of the first reported month (the warm-up's length; person month fields count
    from the warm-up's start)."""

    def __init__(self, n_slots: int, first: int = 0):
        self.n_slots = n_slots
        self.first = first
        self.first_paid: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {s: [] for s in range(n_slots)}
        self.mask = None
        self.last_entry = None

    def __call__(self, t: int, population) -> None:
        P = population.persons
        if self.mask is None:
            self.mask = np.zeros(len(P), np.uint64)
            self.last_entry = np.full(len(P), NEVER, np.int16)
        self.last_entry[_entered(population, t + self.first)] = t
        new = P.paid_mask & ~self.mask
        persons = np.flatnonzero(new)
        if len(persons):
            employed = _employed(P.state[persons])
            bits = new[persons]
            for s in range(self.n_slots):
                hit = ((bits >> np.uint64(s)) & np.uint64(1)).astype(bool)
                if hit.any():
                    self.first_paid[s].append((persons[hit], np.full(hit.sum(), t, np.int16),
                                               np.where(employed[hit], self.last_entry[persons[hit]], -1)))
            self.mask |= new

    def subsidised(self, slot: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(persons, month of first payment, hire month) of the slot's subsidised persons; the hire month
        is −1 for persons not employed at their first payment and NEVER for jobs predating the run."""
        parts = self.first_paid[slot]
        if not parts:
            empty = np.zeros(0, np.int64)
            return empty, empty, empty
        return tuple(np.concatenate([part[j] for part in parts]).astype(np.int64) for j in range(3))


class CounterfactualTrace:
    """`simulate(observe=…)` callback for a counterfactual run: entry and employment by month of the
    `persons` it watches — the switched-off instrument's subsidised persons, all `deadweight_hires` reads
    (column j is persons[j]; tracing every person cost as much as a third of the kernel's time).
    `first` as for FactualTrace."""

    def __init__(self, months: int, persons: np.ndarray, first: int = 0):
        self.persons = persons
        self.entered = np.zeros((months, len(persons)), bool)
        self.employed = np.zeros((months, len(persons)), bool)
        self.first = first

    def __call__(self, t: int, population) -> None:
        P, watched = population.persons, self.persons
        employed = _employed(P.state[watched])
        self.employed[t] = employed
        self.entered[t] = employed & ((P.state_months[watched] == 0) | (P.hire_month[watched] == t + self.first))


def deadweight_hires(persons: np.ndarray, first: np.ndarray, hired: np.ndarray,
                     cf: CounterfactualTrace, window: int) -> tuple[int, int]:
    """(subsidised hires, of which deadweight) among one instrument's subsidised persons (`cf` watches
    exactly these persons, in this order)."""
    months = cf.entered.shape[0]
    hires = (hired >= 0) | (hired == NEVER)
    dead = 0
    for j, t_paid, t_hire in zip(np.flatnonzero(hires), first[hires], hired[hires]):
        if t_hire == NEVER:                          # job predates the run: employed anyway then?
            dead += bool(cf.employed[t_paid, j])
        else:
            lo, hi = max(t_hire - window, 0), min(t_hire + window, months - 1)
            dead += bool(cf.entered[lo:hi + 1, j].any())
    return int(hires.sum()), dead


def employed_stock(record) -> np.ndarray:
    """Employed persons (all four kinds) per month, in the simulated sample."""
    return record.outcomes[:, list(EMPLOYED_STOCKS)].sum(axis=1)


def attribute_replication(scenario: Scenario, rep: int, state: WarmState, factual, trace: FactualTrace,
                          costs: pd.DataFrame, paid, window: int = DEFAULT_WINDOW,
                          progress=None) -> pd.DataFrame:
    """One row per enabled instrument: its cost and what switching it off changes (this replication).

    Parameters
    ----------
    scenario, rep, state
        The factual scenario, the replication and its starting state (sim.warmup; reused, never modified).
    factual : RunRecord
        The factual run of this replication, traced by `trace`.
    costs : DataFrame
        The factual cost table of this replication (sim.ledger.costs_table).
    paid : callable(scenario, record) -> Series
        A counterfactual's cost by instrument, as the factual `costs` sum it (sim.ledger.paid_by_instrument).
    """
    weight = factual.population.weight
    own = costs.groupby("instrument")["amount_yuan"].sum()
    rows = []
    for slot, ins in enumerate(factual.instruments):
        cost = float(own.get(ins.id, 0.0))
        row = {"rep": rep, "instrument": ins.id, "name_zh": ins.name_zh, "type": ins.type.name,
               "cost_yuan": round(cost, 2)}
        persons, first, hired = trace.subsidised(slot)
        if cost == 0.0 or self_contained(ins, scenario):
            # paid nothing, or paid only itself (no person): every effect is exactly zero
            rows.append(row | skipped_effects(persons[:0], hired[:0], weight, cost))
        elif person_contained(ins, scenario, factual):
            rows.append(row | skipped_effects(persons, hired, weight, cost))
        else:
            rows.append(row | run_effects(scenario, rep, state, factual, ins, (persons, first, hired), own, paid,
                                          window))
        if progress is not None:
            progress()
    return pd.DataFrame(rows, columns=ATTRIBUTION_REP_COLUMNS)


def run_effects(scenario: Scenario, rep: int, state: WarmState, factual, ins, subsidised, own: pd.Series, paid,
                window: int) -> dict:
    """The effects of switching `ins` off, from its counterfactual run (`subsidised`: trace.subsidised)."""
    weight = factual.population.weight
    is_ui = {i.id: i.type == InstrumentType.ui_benefit for i in scenario.instruments}
    persons, first, hired = subsidised
    cost = float(own.get(ins.id, 0.0))
    cf = CounterfactualTrace(scenario.months, persons, state.months)
    record = run(without(scenario, ins.id), rep, state=state, observe=cf)
    cf_costs = paid(without(scenario, ins.id), record)
    saved = cf_costs.sub(own, fill_value=0.0).drop(ins.id, errors="ignore")
    ui_saved = float(saved[[i for i in saved.index if is_ui.get(i)]].sum())
    other_saved = float(saved.sum()) - ui_saved
    gained = (factual.revenue_fen.sum() - record.revenue_fen.sum()) * weight / 100
    hires, dead = deadweight_hires(persons, first, hired, cf, window)
    diff = (employed_stock(factual) - employed_stock(record)) * weight
    row = {"subsidised_persons": round(len(persons) * weight, 2), "subsidised_hires": round(hires * weight, 2),
           "deadweight_hires": round(dead * weight, 2), "deadweight_share": dead / hires if hires else np.nan,
           "additional_jobs": round(float(diff[-1]), 2),
           "additional_employment_months": round(float(diff.sum()), 2),
           "ui_benefits_saved_yuan": round(ui_saved, 2), "other_payments_saved_yuan": round(other_saved, 2),
           "ui_contributions_gained_yuan": round(float(gained), 2)}
    row["net_cost_yuan"] = round(cost - ui_saved - other_saved - row["ui_contributions_gained_yuan"], 2)
    return row


def skipped_effects(persons: np.ndarray, hired: np.ndarray, weight: float, cost: float) -> dict:
    """The effects of an instrument whose counterfactual is the factual without its own cells (it paid
    nothing, `self_contained` or `person_contained`), without running it: no job, employment-month,
    payment or contribution changes, and the net cost is its cost. Its subsidised persons (from the
    factual's trace) have the same history in the counterfactual, where each subsidised hire enters
    employment in its own hire month (or, for a job predating the run, is employed at the first payment):
    every subsidised hire is deadweight, whatever the window (`deadweight_hires` on that history)."""
    hires = int(((hired >= 0) | (hired == NEVER)).sum())
    return {"subsidised_persons": round(len(persons) * weight, 2), "subsidised_hires": round(hires * weight, 2),
            "deadweight_hires": round(hires * weight, 2), "deadweight_share": 1.0 if hires else np.nan,
            "additional_jobs": 0.0, "additional_employment_months": 0.0, "ui_benefits_saved_yuan": 0.0,
            "other_payments_saved_yuan": 0.0, "ui_contributions_gained_yuan": 0.0, "net_cost_yuan": round(cost, 2)}


def self_contained(ins, scenario: Scenario) -> bool:
    """Whether switching `ins` off can change nothing but its own cost: its type pays only into its own
    cells, which nothing in the run reads (`Declaration.self_contained`: fixed awards, loans to small
    firms), it is in no exclusive group, and no budget envelope covers one of its funds (the share an
    envelope pays would move with its spending, and the other instruments' payments with it)."""
    declaration = DECLARATION.get(ins.type)
    return (declaration is not None and declaration.self_contained and not ins.exclusive_group
            and not set(ins.funding) & set(scenario.budget))


def person_contained(ins, scenario: Scenario, factual) -> bool:
    """Whether switching the person-level instrument `ins` off provably changes nothing in the run but
    its own cells (docs/attribution.md lists the channels): its type's rule writes nothing anybody else
    reads (`Declaration.person_contained`) and, in this scenario, every channel is closed —

    - exclusive group: no enabled member ranked after it (a member tests only those ranked before it);
    - hiring response: it is no hire-value instrument, or the response is off (responses disabled or a
      zero elasticity);
    - start-up response: the month's start-up mask is the same without it; no refund response;
    - `shares_with`: no other enabled instrument in those situation lists;
    - no stated public posts; no budget envelope on one of its funds;
    - UI fund: its UI-funded payments leave every 备付 gate decision of the run as it was
      (`_gates_unmoved`, computed exactly from the factual's record).

    `factual` is the factual RunRecord (its enabled instruments of the whole timeline in slot order, its
    ledger and UI fund of the reported months)."""
    declaration = DECLARATION.get(ins.type)
    if declaration is None or not declaration.person_level or not declaration.person_contained(ins.params):
        return False
    if declaration.refund_response or declaration.stated_posts(ins.params) or set(ins.funding) & set(scenario.budget):
        return False
    enabled = factual.instruments
    slot = next(k for k, other in enumerate(enabled) if other.id == ins.id)
    others = [other for k, other in enumerate(enabled) if k != slot]
    if ins.exclusive_group and any(other.exclusive_group == ins.exclusive_group
                                   and (-other.priority, k) > (-ins.priority, slot)
                                   for k, other in enumerate(enabled) if k != slot):
        return False
    responses = scenario.behaviour["responses"]
    if L.L_HIRE_VALUE in declaration.situations(ins.params) and responses["enabled"] \
            and responses["hiring_subsidy_elasticity"] > 0:
        return False
    months = factual.first + scenario.months            # the timeline's: the reported months are the last
    if declaration.startup_response and \
            response_masks(enabled, months, responses["enabled"])[0][factual.first:] != \
            response_masks(others, months, responses["enabled"])[0][factual.first:]:
        return False
    shared = set(declaration.shares_with)
    if shared and any(other.type in DECLARATION and shared & set(DECLARATION[other.type].situations(other.params))
                      for other in others):
        return False
    return _gates_unmoved(scenario, factual, slot)


def _gates_unmoved(scenario: Scenario, factual, slot: int) -> bool:
    """Whether every 备付 gate (`Declaration.cover_gate`) decides as in the factual, in every reported month
    it is read in force, when the UI fund does not pay slot `slot`'s cells. Exact: while the gates decide
    alike nothing else in the run changes, so the counterfactual's fund is the factual's revenue less
    every other slot's UI-funded cells, settled by the same `UiFund` month by month; a gate reading a
    pooled fund's fixed cover, or a slot the UI fund does not pay, moves nothing."""
    instruments = factual.instruments
    gated = [ins for ins in instruments if ins.type in DECLARATION and DECLARATION[ins.type].cover_gate is not None]
    if not gated or Fund.ui_fund not in instruments[slot].funding \
            or scenario.profile["ui_fund"]["pooling"] != "local":
        return True
    fund = UiFund(scenario, factual.population.weight, {k: ins.funding for k, ins in enumerate(instruments)})
    without_slot = UiFund(scenario, factual.population.weight,
                          {k: ins.funding for k, ins in enumerate(instruments) if k != slot})
    read = np.concatenate([[fund.opening_cover], factual.ui_fund_cover[:-1]])        # what month t's gate reads
    read_without = np.concatenate([[without_slot.opening_cover], fund_cover(without_slot, factual)[:-1]])
    for ins in gated:
        for t in range(scenario.months):
            gate = DECLARATION[ins.type].cover_gate(ins.params, calendar_month(scenario.start, t))
            if gate is not None and ins.active[factual.first + t] and (read[t] < gate) != (read_without[t] < gate):
                return False
    return True


def fund_cover(fund: UiFund, record) -> np.ndarray:
    """备付月数 at each month's end of `fund` (fresh, as the run's first month opens it) settling `record`'s
    revenue and ledger month by month (the factual's cover when `fund` pays the factual's slots)."""
    T = len(record.revenue_fen)
    settled = SimpleNamespace(revenue_fen=record.revenue_fen, ledger_fen=record.ledger_fen,
                              ui_fund_outlay_fen=np.zeros(T, np.int64), ui_fund_balance_fen=np.zeros(T, np.int64),
                              ui_fund_cover=np.zeros(T, np.float64))
    for t in range(T):
        fund.month(t, settled)
    return settled.ui_fund_cover


ATTRIBUTION_REP_COLUMNS = ["rep", "instrument", "name_zh", "type", "cost_yuan", "subsidised_persons",
                           "subsidised_hires", "deadweight_hires", "deadweight_share", "additional_jobs",
                           "additional_employment_months", "ui_benefits_saved_yuan", "other_payments_saved_yuan",
                           "ui_contributions_gained_yuan", "net_cost_yuan"]


def summarise(per_rep: pd.DataFrame, level: float = 0.90) -> pd.DataFrame:
    """Mean over replications per instrument, with `level` intervals for the additional jobs and the
    deadweight share, and cost per additional job (ratio of the means; empty when no job is added)."""
    rows = []
    for (instrument, name, kind), group in per_rep.groupby(["instrument", "name_zh", "type"], sort=False):
        row = {"instrument": instrument, "name_zh": name, "type": kind, "reps": len(group)}
        for column in ATTRIBUTION_REP_COLUMNS[4:]:
            values = group[column].to_numpy(np.float64)
            row[column] = float(np.nanmean(values)) if np.isfinite(values).any() else np.nan
        for column in ("additional_jobs", "additional_employment_months", "deadweight_share", "net_cost_yuan"):
            row[column + "_low"], row[column + "_high"] = mean_interval(group[column].to_numpy(np.float64), level)
        jobs, job_years = row["additional_jobs"], row["additional_employment_months"] / 12
        row["cost_per_additional_job"] = row["cost_yuan"] / jobs if jobs > 0 else np.nan
        row["cost_per_additional_job_year"] = row["cost_yuan"] / job_years if job_years > 0 else np.nan
        row["net_cost_per_additional_job"] = row["net_cost_yuan"] / jobs if jobs > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
