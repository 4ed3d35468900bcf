"""A test bench for single payments: one hand-built person and the real month record of a scenario.

`Bench(tmp_path, body)` loads a Liupanshui scenario made of `body` (instrument tables), fills the
month record exactly as the engine does (sim.engine, sim.instruments), and `bench.pay(person, t)` runs
the kernel's `pay_person` for that one person in month t, returning the payments as
{(instrument, cost line): yuan}. Golden tests compare them with amounts computed by hand from the
policy texts.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from sim.codes import NEVER, N_COST_LINES, N_OUTCOMES, CostLine, GroupFlag, State
from sim.packing import UiSchedule, fill_locality, fill_static
from sim.inputs import kernel_inputs
from sim.instruments import InstrumentTable, month_dtype
from sim.kernels import layout as L
from sim.kernels.pay import pay_person
from sim.params import load_scenario
from sim.population.arrays import PERSON_DTYPE

def header(locality: str = "liupanshui", start: str = "2024-01", months: int = 48) -> str:
    """The [scenario] table of a bench (the bench's month arithmetic assumes a January start)."""
    return (f'[scenario]\nname = "golden"\ntitle_zh = "金例"\nlocality = "{locality}"\nstart = "{start}"\n'
            f"months = {months}\n\n")


HEADER = header()

# Liupanshui profile values the hand computations use (calibration/liupanshui/profile.toml)
AVERAGE_WAGE_YEAR = 82_291            # Guizhou 2022 provincial average wage
FLOOR = 0.6 * AVERAGE_WAGE_YEAR / 12  # contribution base floor: 4,114.55 yuan
MIN_WAGE = {0: 1890, 1: 1760}         # zhongshan, liuzhi
EMPLOYER_RATES = {"pension_employer": 0.16, "medical_employer": 0.085, "ui_employer": 0.007,
                  "injury_employer": 0.006}


@njit   # not cached: numba's cache would not notice changes to pay_person in another module
def _call(P, i, t, applied, size, base, MR, CA):
    pay_person(P[i], i, t, applied, size, base, MR[0], CA[0])


def person(state: State, *, flags=(), hire_flags=(), district=0, **fields) -> np.ndarray:
    """One person record (array of length 1): a 30-year-old with 10 years of contributions."""
    P = np.zeros(1, PERSON_DTYPE)
    p = P[0]
    p["state"], p["district"] = state, district
    p["birth_month"], p["retire_month"] = -360, 360
    for name in ("school_leave_month", "hire_month", "training_done_month", "loan_month", "certified_month"):
        p[name] = NEVER
    p["contrib_months"] = p["ui_contrib_months"] = 120
    p["group_flags"] = sum(int(GroupFlag[f]) for f in flags)
    p["hire_flags"] = sum(int(GroupFlag[f]) for f in hire_flags)
    p["employer"] = -1
    for name, value in fields.items():
        p[name] = value
    return P


class Bench:
    def __init__(self, tmp_path, body: str, run: str = "", head: str = HEADER):
        path = tmp_path / "golden.toml"
        path.write_text(head + run + body, encoding="utf-8")
        s = self.scenario = load_scenario(path, persons=1000)
        self.instruments = tuple(ins for ins in s.instruments if ins.enabled)
        self.inputs = kernel_inputs(s.profile, s.behaviour, start=s.start, months=s.months, persons=s.persons)
        n_districts = len(s.profile["districts"]["population_share"])
        self.ui = UiSchedule(s, self.instruments, self.inputs, n_districts)
        self.table = InstrumentTable(s, self.instruments, self.inputs, 1.0, n_districts)
        self.M = np.zeros(1, month_dtype(n_districts, len(self.ui.schedule_years)))
        fill_static(self.M[0], np.uint64(2024), self.inputs, self.ui)
        self.table.fill_static(self.M[0])
        self.CA = np.zeros(1, L.chunk_dtype(n_districts, max(len(self.instruments), 1), N_OUTCOMES, N_COST_LINES))

    def pay(self, P: np.ndarray, t: int, applied: int = 0, size: int = -1,
            base: float | None = None) -> dict[tuple[str, str], float]:
        """`base`: the declared contribution base of a local job (default, with an employer: the wage
        clipped to floor and ceiling, a firm that declares the wage)."""
        m = self.M[0]
        if base is None:
            local = P[0]["employer"] >= 0
            base = min(max(float(P[0]["wage"]), m["floor_yuan"]), m["ceiling_yuan"]) if local else 0.0
        m["t"], m["year_start"] = t, t - t % 12          # the run starts in January
        fill_locality(m, self.inputs, t)
        self.ui.fill_month(m, t)
        self.table.fill_month(m, t, self.inputs.lpr[t])
        self.CA.view(np.uint8).fill(0)
        _call(P, 0, t, applied, size, base, self.M, self.CA)
        ledger = self.CA[0]["ledger_fen"]
        return {(self.instruments[s].id, CostLine(line).name): int(ledger[s, line].sum()) / 100
                for s, line in zip(*np.nonzero(ledger.sum(axis=2)))}

    def months(self, P: np.ndarray, first: int, last: int, advance: bool = True) -> dict[tuple[str, str], float]:
        """Payments summed over months first … last, ageing the spell by a month each month."""
        total: dict[tuple[str, str], float] = {}
        for t in range(first, last + 1):
            for key, yuan in self.pay(P, t).items():
                total[key] = round(total.get(key, 0.0) + yuan, 2)
            if advance:
                P[0]["state_months"] += 1
        return total
