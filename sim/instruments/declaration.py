"""What an instrument type declares (one `Declaration` per type, in its family's module).

A declaration holds everything about a type outside its kernel rule (sim.kernels.pay) and its parameter
schema (sim.params.instrument_schema): the situations that trigger it, its **named kernel fields** (one
array per field in the month record, indexed by the instrument's position k), and how its parameters are
packed into them — once per run (`static`) and each month (`month`). `sim.instruments.registry` gathers
the declarations; `sim.instruments.table.InstrumentTable` runs them.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable

import numpy as np

from sim.codes import InstrumentType
from sim.kernels.money import fen_array as fen
from sim.params.instrument_schema import SIZES

DISTRICTS = "districts"     # field shape marker: one value per district (K, n_districts)


def no_static(m, k: int, p: dict, run) -> tuple[int, int]:
    return 0, -1


def no_month(m, k: int, p: dict, t: int, run) -> None:
    return None


def no_situations(p: dict) -> tuple[int, ...]:
    return ()


@dataclass(frozen=True)
class Declaration:
    """One instrument type.

    type : the InstrumentType.
    name_zh : the type's Chinese name (the catalogue of `subsim instruments`).
    situations : params → the sim.kernels.layout L_* lists the instrument joins (the events it pays on).
    fields : named kernel fields, (name, dtype) for one value per instrument, (name, dtype, DISTRICTS)
        for one per district, (name, dtype, n) for n values. Names start with the type's field prefix.
    static : (m, k, params, run) → (employment window, near-retirement months); writes the fields fixed
        through the run. The two numbers bound the months after a hire in which an L_EMPLOYMENT
        instrument may still pay (0, −1 for the others).
    month : (m, k, params, t, run) → None; writes the month's amounts (fen, rounded once per district).
    person_level : paid by the person pass (False: paid to firms or institutions by sim.engine).
    startup_response : its being in force raises business entry (behaviour `responses`).
    refund_response : its being in force lowers layoffs in the size classes it covers.
    """

    type: InstrumentType
    name_zh: str
    situations: Callable[[dict], tuple[int, ...]] = no_situations
    fields: tuple = ()
    static: Callable = no_static
    month: Callable = no_month
    person_level: bool = True
    startup_response: bool = False
    refund_response: bool = False
    once_per_person: Callable[[dict], bool] = lambda p: False

    def field_specs(self, n_instruments: int, n_districts: int) -> list[tuple]:
        """The fields as numpy dtype entries."""
        specs = []
        for name, dtype, *shape in self.fields:
            if not shape:
                specs.append((name, dtype, (n_instruments,)))
            elif shape[0] == DISTRICTS:
                specs.append((name, dtype, (n_instruments, n_districts)))
            else:
                specs.append((name, dtype, (n_instruments, shape[0])))
        return specs


def per_district(run, yuan: float) -> np.ndarray:
    """One amount for every district, in fen."""
    return fen(np.full(run.n_districts, yuan))


def firm_sizes(params: dict) -> int:
    """Bitmask of the firm size classes an instrument covers (all when it does not say)."""
    return sum(1 << SIZES.index(name) for name in params.get("firm_sizes", SIZES))


def instrument_key(instrument_id: str) -> np.uint64:
    """A stable 64-bit key from the instrument's ID: its draws do not depend on its ledger position, so
    adding or disabling another instrument changes none of them."""
    return np.uint64(int.from_bytes(hashlib.sha256(instrument_id.encode()).digest()[:8], "little") >> 1)


def amount(yuan_of: Callable[[dict, int], float]) -> Callable:
    """A `month` packing for types with one amount per payment: `yuan_of(params, t)` in every district."""
    def month(m, k, p, t, run):
        m["ins_amount_fen"][k] = per_district(run, yuan_of(p, t))
    return month
