"""The one packing step: a validated `Scenario` and its starting population → everything the month loop
hands the kernels, built once before the loop (`pack`).

- locality parameters → `sim.inputs.KernelInputs` (behaviour vector, multipliers, wages, rates);
- the ui_benefit instrument → `UiSchedule` (its per-month amounts in fen and its fixed rules);
- every other instrument → `sim.instruments.InstrumentTable` (each type's declaration packs its own
  named fields, once and each month);
- the month record (`sim.instruments.month_dtype`) with its run-fixed fields written (the month's
  contribution rates and minimum wage: `fill_locality`, called by the loop);
- the funds' accounts (`sim.funds`), the firms' order by district, the public-job capacity.

`sim.engine.simulate` then only loops: each month the schedule and the table write the month's fields
into the record and the loop calls the kernels in the order of `sim.engine.PROCESSES`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.codes import Fund
from sim.funds import Envelopes, UiFund
from sim.inputs import KernelInputs, kernel_inputs, ui_instrument
from sim.instruments import InstrumentTable, month_dtype
from sim.kernels.money import fen_array as _fen
from sim.params import Scenario
from sim.params.scenario_schema import MAX_SCHEDULE_ROWS, UI_BENEFIT
from sim.population.synthetic import Population
from sim.rng import run_key


@dataclass
class Packed:
    """The kernel inputs of one replication (money in fen of the simulated sample unless noted)."""

    inputs: KernelInputs
    instruments: tuple              # enabled instruments; ledger slot k = instruments[k]
    n_slots: int                    # ledger slots (≥ 1)
    n_districts: int
    key: np.uint64                  # the run key of (seed, replication)
    ui: UiSchedule
    table: InstrumentTable
    envelopes: Envelopes
    fund: UiFund
    month: np.ndarray               # the month record (one row), run-fixed fields written
    order: np.ndarray               # firm indices, stably sorted by district
    district_start: np.ndarray      # first position of each district in `order`, then the end
    district_shares: np.ndarray     # population share by district
    public_job_posts: float         # public-welfare posts (simulated persons)


def pack(scenario: Scenario, population: Population, replication: int) -> Packed:
    """Pack a validated scenario and its starting population for the month loop."""
    inputs = kernel_inputs(scenario.profile, scenario.behaviour, start=scenario.start, months=scenario.months,
                           persons=scenario.persons)
    F = population.firms.data
    n_districts = len(population.district_codes)
    instruments = tuple(ins for ins in scenario.instruments if ins.enabled)
    ui = UiSchedule(scenario, instruments, inputs, n_districts)
    table = InstrumentTable(scenario, instruments, inputs, population.weight, n_districts)
    order = np.argsort(F["district"], kind="stable").astype(np.int32)
    district_start = np.searchsorted(F["district"][order], np.arange(n_districts + 1)).astype(np.int64)
    month = np.zeros(1, month_dtype(n_districts, len(ui.schedule_years)))
    key = np.uint64(run_key(scenario.seed, replication))
    fill_static(month[0], key, inputs, ui)
    table.fill_static(month[0])
    stated = table.stated_posts
    return Packed(
        inputs=inputs, instruments=instruments, n_slots=max(len(instruments), 1), n_districts=n_districts,
        key=key, ui=ui, table=table, envelopes=Envelopes(scenario, instruments, population.weight),
        fund=UiFund(scenario, population.weight, ui.fund_shares), month=month, order=order,
        district_start=district_start,
        district_shares=np.array(list(scenario.profile["districts"]["population_share"].values()), np.float64),
        public_job_posts=stated / population.weight if stated else inputs.public_job_posts)


class UiSchedule:
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
            self.benefit = self.medical = self.aid = self.top_up = self.migrant_allowance = empty
            p = {key: field.default for key, field in UI_BENEFIT.items() if not key.startswith("__")}
        else:
            p = spec.params
            self.active = spec.active.copy()
            self.slot = instruments.index(spec)
            self.take_up = spec.take_up
            benefit_yuan = p["ratio"][:, None] * inputs.min_wage.astype(np.float64)   # [month, district]
            self.benefit = _fen(benefit_yuan)
            base = benefit_yuan if p["medical_base"] == "benefit" else np.full_like(benefit_yuan, inputs.floor_yuan)
            self.medical = _fen(p["medical_rate"][:, None] * base)
            self.aid = _fen(p["aid_ratio"][:, None] * benefit_yuan)
            self.top_up = _fen(np.repeat(p["top_up"][:, None], n_districts, axis=1))
            self.migrant_allowance = _fen(p["migrant_allowance_months"][:, None] * benefit_yuan)
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
        m["migrant_allowance_fen"] = self.migrant_allowance[t]


def fill_locality(m, inputs: KernelInputs, t: int) -> None:
    """The contribution rates and minimum wage of run month t (the record keeps them until they change:
    sim.engine calls this in the loop's first month and where `inputs.changes`)."""
    m["ui_rate"], m["si_rate"] = inputs.ui_rate[t], inputs.si_rate[t]
    m["min_wage"] = inputs.min_wage[t]


def fill_static(m, key, inputs: KernelInputs, ui: UiSchedule) -> None:
    """Month-record fields that stay fixed through the run, outside the instrument table's."""
    m["beh"], m["mult"] = inputs.beh, inputs.mult
    m["wage_noise"], m["edu_premium"] = inputs.wage_noise, inputs.edu_premium
    m["difficulty_any_of"] = inputs.difficulty_any_of
    m["run_key"] = key
    m["theta"] = 1.0
    m["public_job_ratio"] = 1.0
    m["floor_yuan"], m["ceiling_yuan"] = inputs.floor_yuan, inputs.ceiling_yuan
    p = ui.params
    m["ui_slot"] = ui.slot
    m["ui_target"], m["ui_exclude"] = ui.target, ui.exclude
    m["min_contribution_months"] = p["min_contribution_months"]
    m["schedule_years"], m["schedule_months"] = ui.schedule_years, ui.schedule_months
    m["max_months"], m["carry_over"] = p["max_months"], p["carry_over"]
    m["aid_months"], m["aid_for_ineligible"] = p["aid_months"], p["aid_for_ineligible"]
    m["registration_required"] = p["registration_required"]
