"""The month loop (DESIGN §5): slices parameter arrays and calls the kernels in the documented order.

`PROCESSES` is the order, in one list (like LIAM2's `processes`); `simulate` follows it literally.
Everything the loop needs is allocated before it starts (population, accumulators, the month record);
inside it the month record is rewritten in place and accumulators are zeroed, nothing is allocated
but a few per-district scalars.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from sim.codes import Fund, InstrumentType, N_COST_LINES, N_OUTCOMES, Outcome
from sim.inputs import KernelInputs, kernel_inputs, ui_instrument
from sim.instruments import (Envelopes, InstrumentTable, RefundGroups, fixed_award, month_dtype, placement_fees,
                             stabilization_refund)
from sim.instruments.public_job import stated_posts
from sim.kernels import layout as L
from sim.kernels.firms import firm_month, reduce_into_firms, year_end_close
from sim.kernels.money import fen_array as _fen
from sim.kernels.persons import certify_initial, person_month, refresh_flags
from sim.ledger import split_fen
from sim.params import Scenario
from sim.params.scenario_schema import MAX_SCHEDULE_ROWS, UI_BENEFIT
from sim.population.arrays import NEVER
from sim.params.months import calendar_month, month_number
from sim.population.register import Register
from sim.population.register_population import register_population
from sim.population.synthetic import Population, synthesize
from sim.rng import run_key

PROCESSES = (
    "1 calendar: in January (after the first month) the firms' year-end close — last year's "
    "contributions, layoff rate, average headcount, size class",
    "3 firms: exits, births into free slots, vacancies; cumulative vacancies by district for matching",
    "2,4–7,9 persons (one fused pass): graduation and retirement; separations; non-employment "
    "transitions incl. vacancy-rationed job finding; contributions and contribution relief; group flags; "
    "skill certificates; ui_benefit claims and payments; every person-level instrument (sim.kernels.pay); "
    "outcome stocks",
    "reduce: per-chunk sums into firms (headcount, contributions, layoffs, hires), ledger, outcomes",
    "7 instruments paid to firms and institutions: 稳岗返还 in its pay month, fixed awards, agencies' "
    "placement fees at the year's end",
    "8 funds: budget envelopes (share of claims paid), UI fund account — revenue, outlays, balance, "
    "备付月数; guarantee-fund capacity for new loans",
    "rationing for next month: job-finding tightness by district, public-job capacity",
)

N_CHUNKS = 16            # fixed, not the thread count: results never depend on threads
CLOSE_MONTH = 1          # calendar month of the firms' year-end close (calendar-year accounts)


@dataclass
class RunRecord:
    """Unweighted monthly records of one replication (money in fen of the simulated sample)."""

    scenario: Scenario
    replication: int
    population: Population
    instruments: tuple              # enabled instruments; ledger slot k = instruments[k]
    ledger_fen: np.ndarray          # int64[T, slot, line, district]
    ledger_count: np.ndarray        # int64[T, slot, line, district]
    outcomes: np.ndarray            # int64[T, N_OUTCOMES]
    revenue_fen: np.ndarray         # int64[T, district]: UI contributions
    ui_fund_outlay_fen: np.ndarray  # int64[T]
    ui_fund_balance_fen: np.ndarray  # int64[T] end of month
    ui_fund_cover: np.ndarray       # float64[T] 备付月数
    ui_fund_opening_fen: int
    theta: np.ndarray               # float64[T, district] job-finding rationing applied
    direct_fen: np.ndarray = None   # int64[T, slot, district]: real fen of awards and placement fees
    direct_count: np.ndarray = None  # int64[T, slot, district]: their real counts
    paid_fraction: np.ndarray = None  # float64[T, fund]: share of claims paid under budget envelopes
    loan_fen: np.ndarray = None     # int64[T, slot]: guaranteed principal outstanding (sample fen)
    timings: dict = field(default_factory=dict)
    first: int = 0                  # run month of the first row: > 0 when resumed from a warm-up (sim.warmup)
    loop_state: "LoopState" = None  # what the loop carries into the month after the last one


@dataclass
class LoopState:
    """What the month loop carries from one month into the next besides the population and firms, so
    a run can resume where another stopped (sim.warmup: the reported months after the warm-up)."""

    month: int                      # the next run month
    theta: np.ndarray               # job-finding rationing for that month, by district
    public_job_ratio: float         # share of would-be public-post entrants admitted then
    last_close: int                 # run month of the last year-end close
    placements: dict                # instrument id -> vested placements so far this calendar year, by district


def simulate(scenario: Scenario, *, replication: int = 0,
             progress: Callable[[int, int], None] | None = None,
             observe: Callable[[int, Population], None] | None = None,
             population: Population | None = None, register: Register | None = None,
             resume: LoopState | None = None) -> RunRecord:
    """Run one replication of a scenario and return its unweighted monthly records.

    `progress(done, total)` is called after each month; `observe(t, population)` too, with the live
    population (for tests, diagnostics and the counterfactual attribution: it must not modify it).
    The starting population is, in this order: `population` if given — a population built once by a
    caller running several policy variants on it (sim.compare), copied, never modified; the rows of a
    `register` (`sim.population.register.load_register`; `scenario.persons` must then be its number of
    rows, `sim.run` sees to it); else the synthetic population of the scenario's locality and seed.

    `resume` continues a run that stopped at `resume.month` (its `population`, as it then was, must be
    given): months before it are not run, and the record holds the months from it on (`record.first`);
    `observe` and `progress` count from it too. sim.warmup uses this for the reported months."""
    started = time.perf_counter()
    T = scenario.months
    inputs = kernel_inputs(scenario.profile, scenario.behaviour, start=scenario.start, months=T,
                           persons=scenario.persons)
    if population is not None:
        population = population.copy()
    elif register is not None:
        population = register_population(register, scenario.profile, scenario.behaviour, start=scenario.start,
                                         months=T, seed=scenario.seed, replication=replication)
    else:
        population = synthesize(scenario.profile, scenario.behaviour, persons=scenario.persons,
                                start=scenario.start, months=T, seed=scenario.seed, replication=replication)
    built = time.perf_counter()
    P, F = population.persons.data, population.firms.data
    n_districts = len(population.district_codes)
    instruments = tuple(ins for ins in scenario.instruments if ins.enabled)
    n_slots = max(len(instruments), 1)
    ui = _UiSchedule(scenario, instruments, inputs, n_districts)
    table = InstrumentTable(scenario, instruments, inputs, population.weight, n_districts)
    envelopes = Envelopes(scenario, instruments, population.weight)

    order = np.argsort(F["district"], kind="stable").astype(np.int32)
    district_start = np.searchsorted(F["district"][order], np.arange(n_districts + 1)).astype(np.int64)
    cum_vacancies = np.zeros(len(order), np.int64)
    chunks = np.zeros(N_CHUNKS, L.chunk_dtype(n_districts, n_slots, N_OUTCOMES, N_COST_LINES))
    firm_chunks = np.zeros((N_CHUNKS, len(F)), L.FIRM_ACC_DTYPE)
    month = np.zeros(1, month_dtype(n_districts, len(ui.schedule_years)))
    key = np.uint64(run_key(scenario.seed, replication))
    _fill_static(month[0], key, inputs, ui)
    table.fill_static(month[0])

    record = RunRecord(
        scenario=scenario, replication=replication, population=population, instruments=instruments,
        ledger_fen=np.zeros((T, n_slots, N_COST_LINES, n_districts), np.int64),
        ledger_count=np.zeros((T, n_slots, N_COST_LINES, n_districts), np.int64),
        outcomes=np.zeros((T, N_OUTCOMES), np.int64), revenue_fen=np.zeros((T, n_districts), np.int64),
        ui_fund_outlay_fen=np.zeros(T, np.int64), ui_fund_balance_fen=np.zeros(T, np.int64),
        ui_fund_cover=np.zeros(T, np.float64), ui_fund_opening_fen=0, theta=np.ones((T, n_districts)),
        direct_fen=np.zeros((T, n_slots, n_districts), np.int64),
        direct_count=np.zeros((T, n_slots, n_districts), np.int64),
        paid_fraction=np.ones((T, len(Fund))), loan_fen=np.zeros((T, n_slots), np.int64))
    placements_year = np.zeros((n_slots, n_districts), np.int64)
    stated = stated_posts(instruments)
    posts = stated / population.weight if stated else inputs.public_job_posts
    district_shares = np.array(list(scenario.profile["districts"]["population_share"].values()), np.float64)
    fund = _UiFund(scenario, population.weight, ui.fund_shares)
    refund_groups = RefundGroups(len(F))
    record.ui_fund_opening_fen = fund.balance
    start_abs = month_number(scenario.start)
    first, last_close = (resume.month, resume.last_close) if resume is not None else (0, 0)
    if resume is not None:
        m = month[0]
        m["theta"], m["public_job_ratio"] = resume.theta, resume.public_job_ratio
        for k, ins in enumerate(instruments):
            placements_year[k] = resume.placements.get(ins.id, 0)
        table.after_month(first - 1, _loans_outstanding(P, n_slots))
    grad_month = scenario.profile["graduates"]["graduation_month"]
    chunk_bytes, firm_chunk_bytes = chunks.view(np.uint8), firm_chunks.view(np.uint8)
    month_outcomes = np.zeros(N_OUTCOMES, np.int64)
    economy = scenario.economy
    before, january = first - 1, first - 1 - (start_abs + first - 1) % 12   # the month before the loop's first
    refresh_flags(P, before, january, inputs.beh, inputs.difficulty_any_of)
    if first == 0 and not population.certification_given:   # the certified stock the monthly inflow builds
        certify_initial(P, key, inputs.beh[L.CERTIFY_RATE], inputs.difficulty_any_of)
        refresh_flags(P, before, january, inputs.beh, inputs.difficulty_any_of)
    for t in range(first, T):
        month_of_year = calendar_month(scenario.start, t)
        year_start = t - (month_of_year - 1)
        # 1. calendar: firms' year-end close
        if t > 0 and month_of_year == CLOSE_MONTH:
            year_end_close(F, min(t - last_close, 12), t, inputs.size_thresholds)
            last_close = t
        # 3. firms
        firm_month(t, key, F, inputs.beh, inputs.mult, economy["firm_exit_multiplier"][t],
                   economy["vacancy_multiplier"][t], order, cum_vacancies, record.outcomes[t])
        # 2, 4–7, 9. persons
        m = month[0]
        m["t"], m["year_start"] = t, year_start
        m["sep_multiplier"] = economy["separation_multiplier"][t]
        cohort = year_start + grad_month - 1
        m["cohort_month"] = cohort if cohort <= t else NEVER
        ui.fill_month(m, t)
        table.fill_month(m, t, inputs.lpr[t])
        chunk_bytes.fill(0)
        firm_chunk_bytes.fill(0)
        person_month(month, P, F, order, district_start, cum_vacancies, chunks, firm_chunks)
        # reduce the per-chunk sums (all integers: exact in any order)
        reduce_into_firms(firm_chunks, F)
        np.sum(chunks["ledger_fen"], axis=0, out=record.ledger_fen[t])
        np.sum(chunks["ledger_count"], axis=0, out=record.ledger_count[t])
        np.sum(chunks["revenue_fen"], axis=0, out=record.revenue_fen[t])
        np.sum(chunks["outcomes"], axis=0, out=month_outcomes)
        record.outcomes[t] += month_outcomes
        record.outcomes[t, Outcome.insured_employees] = F["insured"].sum()
        np.sum(chunks["loan_fen"], axis=0, out=record.loan_fen[t])
        placements_year += chunks["placements"].sum(axis=0)
        # 7. instruments paid to firms and institutions
        cover = fund.gate_cover(t, first, record)
        if month_of_year == 1:
            refund_groups.new_year()
        for k in table.order:                 # rank order: an exclusive group's first claim is made first
            ins = instruments[k]
            if ins.type == InstrumentType.stabilization_refund:
                stabilization_refund(ins, k, t, month_of_year, F, key, ui.benefit[t], cover, record.ledger_fen[t],
                                     record.ledger_count[t], refund_groups)
            elif ins.type == InstrumentType.fixed_award:
                fixed_award(ins, k, t, month_of_year, district_shares, record.direct_fen[t], record.direct_count[t])
            elif ins.type == InstrumentType.placement_fee and (month_of_year == 12 or t == T - 1):
                placement_fees(ins, k, t, placements_year[k], population.weight, record.direct_fen[t],
                               record.direct_count[t])
        if month_of_year == 12:
            placements_year[:] = 0
        # 8. funds: budget envelopes, the UI fund account, guarantee capacity
        envelopes.month(t, record.ledger_fen[t], record.direct_fen[t], record.paid_fraction[t])
        fund.month(t, record)
        table.after_month(t, record.loan_fen[t])
        # rationing of next month's entries
        record.theta[t] = m["theta"]
        m["theta"] = _tightness(district_start, cum_vacancies, chunks["search_mass"])
        m["public_job_ratio"] = _public_job_ratio(posts,
                                                  record.outcomes[t, Outcome.stock_public_job],
                                                  chunks["public_job_mass"].sum() / L.MASS_SCALE)
        if observe is not None:
            observe(t - first, population)
        if progress is not None:
            progress(t + 1 - first, T - first)
    m = month[0]
    record.loop_state = LoopState(month=T, theta=m["theta"].copy(), public_job_ratio=float(m["public_job_ratio"]),
                                  last_close=last_close, placements={ins.id: placements_year[k].copy()
                                                                     for k, ins in enumerate(instruments)})
    record.timings = {"build_seconds": round(built - started, 3),
                      "months_seconds": round(time.perf_counter() - built, 3)}
    return _from(record, first)


def _from(record: RunRecord, first: int) -> RunRecord:
    """The record without the months before `first` (not run when resuming)."""
    if first:
        for name, value in vars(record).items():
            if isinstance(value, np.ndarray):
                setattr(record, name, value[first:])
        record.first = first
    return record


def _loans_outstanding(P: np.ndarray, n_slots: int) -> np.ndarray:
    """Guaranteed principal outstanding by instrument slot (sample fen), as the person pass sums it."""
    out = np.zeros(n_slots, np.int64)
    running = P["loan_yuan"] > 0
    np.add.at(out, P["loan_ins"][running].astype(np.int64), P["loan_yuan"][running].astype(np.int64) * 100)
    return out


def _fill_static(m, key, inputs: KernelInputs, ui: "_UiSchedule") -> None:
    """Month-record fields that stay fixed through the run."""
    m["beh"], m["mult"] = inputs.beh, inputs.mult
    m["wage_noise"], m["edu_premium"] = inputs.wage_noise, inputs.edu_premium
    m["difficulty_any_of"] = inputs.difficulty_any_of
    m["run_key"] = key
    m["theta"] = 1.0
    m["public_job_ratio"] = 1.0
    m["floor_yuan"], m["ceiling_yuan"] = inputs.floor_yuan, inputs.ceiling_yuan
    m["ui_rate"], m["si_rate"] = inputs.ui_rate, inputs.si_rate
    m["min_wage"] = inputs.min_wage
    p = ui.params
    m["ui_slot"] = ui.slot
    m["ui_target"], m["ui_exclude"] = ui.target, ui.exclude
    m["min_contribution_months"] = p["min_contribution_months"]
    m["schedule_years"], m["schedule_months"] = ui.schedule_years, ui.schedule_months
    m["max_months"], m["carry_over"] = p["max_months"], p["carry_over"]
    m["aid_months"], m["aid_for_ineligible"] = p["aid_months"], p["aid_for_ineligible"]
    m["registration_required"] = p["registration_required"]


def _tightness(district_start, cum_vacancies, search_mass: np.ndarray) -> np.ndarray:
    """θ_d = min(1, vacancies_d / expected local job finds_d): job finding is rationed when vacancies are
    short. Uses this month's vacancies and search mass for next month (a one-month lag keeps the person
    pass a single, order-free loop); the mass is an exact integer sum in fixed point."""
    n_districts = len(district_start) - 1
    theta = np.ones(n_districts)
    mass = search_mass.sum(axis=0) / L.MASS_SCALE
    for d in range(n_districts):
        lo, hi = district_start[d], district_start[d + 1]
        vacancies = (cum_vacancies[hi - 1] - (cum_vacancies[lo - 1] if lo > 0 else 0)) if hi > lo else 0
        if mass[d] > 0:
            theta[d] = min(1.0, vacancies / mass[d])
    return theta


def _public_job_ratio(posts: float, holders: int, mass: float) -> float:
    """Share of would-be entrants admitted so public-welfare posts stay within capacity."""
    free = max(posts - holders, 0.0)
    if mass <= 0:
        return 1.0 if free > 0 else 0.0
    return min(1.0, free / mass)


class _UiSchedule:
    """Per-month inputs of the ui_benefit instrument (amounts rounded to the fen once per district)."""

    def __init__(self, scenario: Scenario, instruments: tuple, inputs: KernelInputs, n_districts: int):
        T = scenario.months
        spec = ui_instrument(instruments)
        self.fund_shares: dict[int, dict[Fund, float]] = {k: ins.funding for k, ins in enumerate(instruments)}
        empty = np.zeros((T, n_districts), np.int64)
        # fixed length (unused thresholds never reached) so the month record's layout, and with it the
        # compiled kernel, does not change with the schedule
        self.schedule_years = np.full(MAX_SCHEDULE_ROWS, np.inf)
        self.schedule_months = np.zeros(MAX_SCHEDULE_ROWS, np.int64)
        self.target = spec.target_mask if spec is not None else 0
        self.exclude = spec.exclude_mask if spec is not None else 0
        if spec is None:                       # inactive all run; the schema's defaults fill the record
            self.active = np.zeros(T, bool)
            self.slot, self.take_up = 0, np.zeros(T)
            self.benefit = self.medical = self.aid = self.top_up = empty
            p = {key: field.default for key, field in UI_BENEFIT.items() if not key.startswith("__")}
        else:
            p = spec.params
            self.active = spec.active.copy()
            self.slot = instruments.index(spec)
            self.take_up = spec.take_up
            min_wage = inputs.min_wage.astype(np.float64)
            benefit_yuan = p["ratio"][:, None] * min_wage[None, :]
            self.benefit = _fen(benefit_yuan)
            base = benefit_yuan if p["medical_base"] == "benefit" else np.full_like(benefit_yuan, inputs.floor_yuan)
            self.medical = _fen(p["medical_rate"][:, None] * base)
            self.aid = _fen(p["aid_ratio"][:, None] * benefit_yuan)
            self.top_up = _fen(np.repeat(p["top_up"][:, None], n_districts, axis=1))
            schedule = np.asarray(p["duration_schedule"], np.float64)   # ≤ MAX_SCHEDULE_ROWS (validated)
            self.schedule_years[:len(schedule)] = schedule[:, 0]
            self.schedule_months[:len(schedule)] = schedule[:, 1].astype(np.int64)
        self.params = p
        # by effective month (a table compiles to one value per month; the schema default is a number)
        self.continue_within = np.broadcast_to(
            np.asarray(p["continue_to_retirement_within_months"]).astype(np.int64), (T,))

    def fill_month(self, m, t: int) -> None:
        m["continue_within"] = self.continue_within[t]
        m["ui_active"] = bool(self.active[t])
        m["ui_take_up"] = self.take_up[t]
        m["benefit_fen"], m["medical_fen"] = self.benefit[t], self.medical[t]
        m["aid_fen"], m["top_up_fen"] = self.aid[t], self.top_up[t]


class _UiFund:
    """The UI fund account in fen of the simulated sample (real fen ÷ weight), exact in integers."""

    def __init__(self, scenario: Scenario, weight: float, fund_shares: dict[int, dict[Fund, float]]):
        fund = scenario.profile["ui_fund"]
        self.balance = int(round(fund["opening_balance"] * 100 / weight))
        prior = int(round(fund["prior_monthly_outlay"] * 100 / weight))
        self.window = [prior] * 12          # trailing 12 months of outlays for 备付月数
        self.opening_cover = self.balance / prior if prior > 0 else np.inf
        # a fund pooled above the area: the 备付 gate reads the pool's cover, not the area's own flows
        self.pooled_cover = None if fund["pooling"] == "local" else fund["pooled_cover_months"]
        self.shares = fund_shares

    def gate_cover(self, t: int, first: int, record: RunRecord) -> float:
        """Months of cover the 备付 gate of month t reads: the previous month's end (the opening cover in
        the run's first month `first`), or the pooled fund's cover when the fund is pooled above the area."""
        if self.pooled_cover is not None:
            return self.pooled_cover
        return record.ui_fund_cover[t - 1] if t > first else self.opening_cover

    def month(self, t: int, record: RunRecord) -> None:
        revenue = int(record.revenue_fen[t].sum())
        outlay = 0
        cells = record.ledger_fen[t]
        for slot, shares in self.shares.items():
            if Fund.ui_fund not in shares:
                continue
            for amount in cells[slot].ravel():
                if amount:
                    outlay += split_fen(int(amount), shares)[Fund.ui_fund]
        self.balance += revenue - outlay
        self.window = self.window[1:] + [outlay]
        average = sum(self.window) / 12
        record.ui_fund_outlay_fen[t] = outlay
        record.ui_fund_balance_fen[t] = self.balance
        record.ui_fund_cover[t] = self.balance / average if average > 0 else np.inf
