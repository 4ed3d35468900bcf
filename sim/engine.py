"""The month loop (DESIGN §5): slices parameter arrays and calls the kernels in the documented order.

`PROCESSES` is the order, in one list (like LIAM2's `processes`); `simulate` follows it literally.
Everything the loop needs is built before it starts: the population, then the kernel inputs in one
step (`sim.packing.pack`: the month record, instrument table, ui_benefit schedule, funds), then the
accumulators; inside it the month record is rewritten in place and accumulators are zeroed, nothing is
allocated but a few per-district scalars and the month's `OutsideMonth` (views of the record's rows).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from sim.codes import Fund, N_COST_LINES, N_OUTCOMES, Outcome
from sim.instruments import OutsideMonth, RefundGroups
from sim.kernels import layout as L
from sim.kernels.firms import firm_month, reduce_into_firms, year_end_close
from sim.kernels.persons import certify_initial, person_month, refresh_flags
from sim.packing import fill_locality, pack
from sim.params import Scenario
from sim.params.months import calendar_month, month_number
from sim.population.arrays import NEVER
from sim.population.register import Register
from sim.population.register_population import register_population
from sim.population.synthetic import Population, synthesize

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
    direct_fen: np.ndarray = None   # int64[T, slot, line, district]: real fen of awards, fees and firm loans
    direct_count: np.ndarray = None  # int64[T, slot, line, district]: their real counts
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
             resume: LoopState | None = None, owned: bool = False) -> RunRecord:
    """Run one replication of a scenario and return its unweighted monthly records.

    `progress(done, total)` is called after each month; `observe(t, population)` too, with the live
    population (for tests, diagnostics and the counterfactual attribution: it must not modify it).
    The starting population is, in this order: `population` if given — a population built once by a
    caller running several policy variants on it (sim.compare), copied, never modified (`owned`: the
    caller gives it away — a copy made for this run — and it is used as it is); the rows of a
    `register` (`sim.population.register.load_register`; `scenario.persons` must then be its number of
    rows, `sim.run` sees to it); else the synthetic population of the scenario's locality and seed.

    `resume` continues a run that stopped at `resume.month` (its `population`, as it then was, must be
    given): months before it are not run, and the record holds the months from it on (`record.first`);
    `observe` and `progress` count from it too. sim.warmup uses this for the reported months."""
    started = time.perf_counter()
    T = scenario.months
    population = population if owned and population is not None else \
        _starting_population(scenario, replication, population, register)
    packed = pack(scenario, population, replication)
    built = time.perf_counter()
    P, F = population.persons.data, population.firms.data
    inputs, instruments, ui, table = packed.inputs, packed.instruments, packed.ui, packed.table
    n_districts, n_slots, key, month = packed.n_districts, packed.n_slots, packed.key, packed.month
    order, district_start = packed.order, packed.district_start
    envelopes, fund = packed.envelopes, packed.fund
    cum_vacancies = np.zeros(len(order), np.int64)
    chunks = np.zeros(N_CHUNKS, L.chunk_dtype(n_districts, n_slots, N_OUTCOMES, N_COST_LINES))
    firm_chunks = np.zeros((N_CHUNKS, len(F)), L.FIRM_ACC_DTYPE)

    record = RunRecord(
        scenario=scenario, replication=replication, population=population, instruments=instruments,
        ledger_fen=np.zeros((T, n_slots, N_COST_LINES, n_districts), np.int64),
        ledger_count=np.zeros((T, n_slots, N_COST_LINES, n_districts), np.int64),
        outcomes=np.zeros((T, N_OUTCOMES), np.int64), revenue_fen=np.zeros((T, n_districts), np.int64),
        ui_fund_outlay_fen=np.zeros(T, np.int64), ui_fund_balance_fen=np.zeros(T, np.int64),
        ui_fund_cover=np.zeros(T, np.float64), ui_fund_opening_fen=0, theta=np.ones((T, n_districts)),
        direct_fen=np.zeros((T, n_slots, N_COST_LINES, n_districts), np.int64),
        direct_count=np.zeros((T, n_slots, N_COST_LINES, n_districts), np.int64),
        paid_fraction=np.ones((T, len(Fund))), loan_fen=np.zeros((T, n_slots), np.int64))
    placements_year = np.zeros((n_slots, n_districts), np.int64)
    posts, district_shares = packed.public_job_posts, packed.district_shares
    refund_groups = RefundGroups()
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
        m["firm_exit_multiplier"] = economy["firm_exit_multiplier"][t]
        cohort = year_start + grad_month - 1
        m["cohort_month"] = cohort if cohort <= t else NEVER
        if t == first or inputs.changes[t]:       # contribution rates, minimum wage (profile, by month)
            fill_locality(m, inputs, t)
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
        table.pay_outside(OutsideMonth(t, month_of_year, t == T - 1, F, key, ui.benefit[t], cover, district_shares,
                                       population.weight, placements_year, record.ledger_fen[t],
                                       record.ledger_count[t], record.direct_fen[t], record.direct_count[t],
                                       refund_groups, inputs.lpr[t]))
        if month_of_year == 12:
            placements_year[:] = 0
        # 8. funds: budget envelopes, the UI fund account, guarantee capacity
        envelopes.month(t, record.ledger_fen[t], record.direct_fen[t], record.paid_fraction[t])
        fund.month(t, record)
        table.after_month(t, record.loan_fen[t])
        # rationing of next month's entries
        record.theta[t] = m["theta"]
        m["theta"] = _tightness(district_start, cum_vacancies, chunks["search_mass"],
                                chunks["retirement_held"], inputs.beh[L.JF_REPLACEMENT])
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


def _starting_population(scenario: Scenario, replication: int, population: Population | None,
                         register: Register | None) -> Population:
    """A copy of `population`, the rows of `register`, or the synthetic population (see `simulate`)."""
    if population is not None:
        return population.copy()
    if register is not None:
        return register_population(register, scenario.profile, scenario.behaviour, start=scenario.start,
                                   months=scenario.months, seed=scenario.seed, replication=replication)
    return synthesize(scenario.profile, scenario.behaviour, persons=scenario.persons, start=scenario.start,
                      months=scenario.months, seed=scenario.seed, replication=replication)


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


def _tightness(district_start, cum_vacancies, search_mass: np.ndarray, retirement_held: np.ndarray,
               replacement_share: float) -> np.ndarray:
    """θ_d = min(1, vacancies_d / expected local job finds_d) − replacement_share × held_d / finds_d, at
    least 0: job finding is rationed when vacancies are short, and a change in the number of posts whose
    holders the retirement-age rise keeps at work past their pre-reform retirement month (`held`: this
    month's net change, district by district) changes next month's expected local finds by as many, the
    replacement hires not made (held > 0) or made later (held < 0) (D49). Uses this month's vacancies,
    search mass and held posts for next month (a one-month lag keeps the person pass a single, order-free
    loop); all are exact integer sums."""
    n_districts = len(district_start) - 1
    theta = np.ones(n_districts)
    mass = search_mass.sum(axis=0) / L.MASS_SCALE
    held = retirement_held.sum(axis=0)
    for d in range(n_districts):
        lo, hi = district_start[d], district_start[d + 1]
        vacancies = (cum_vacancies[hi - 1] - (cum_vacancies[lo - 1] if lo > 0 else 0)) if hi > lo else 0
        if mass[d] > 0:
            theta[d] = max(0.0, min(1.0, vacancies / mass[d]) - replacement_share * held[d] / mass[d])
    return theta


def _public_job_ratio(posts: float, holders: int, mass: float) -> float:
    """Share of would-be entrants admitted so public-welfare posts stay within capacity."""
    free = max(posts - holders, 0.0)
    if mass <= 0:
        return 1.0 if free > 0 else 0.0
    return min(1.0, free / mass)
