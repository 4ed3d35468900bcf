"""What an instrument type declares (one `Declaration` per type, in its family's module).

A declaration holds everything about a type outside its kernel rule (sim.kernels.pay): its parameter
schema (`schema`, type-specific keys only; sim.params.scenario_schema adds the common ones), the
situations that trigger it, its **named kernel fields** (one array per field in the month record,
indexed by the instrument's position k), and how its parameters are packed into them — once per run
(`static`) and each month (`month`). `sim.instruments.registry` gathers the declarations;
`sim.instruments.table.InstrumentTable` runs them.

Schema defaults that are not plain bookkeeping name their source (DOMAIN_NOTES row or `assumption:`); a
scenario that relies on a default for a number its seed leaves open (按规定) says so in its own `source`.
Semantics of each type are documented in docs/instruments.md. The field helpers below (`amount_field` …)
are the shapes the schemas share.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from sim.codes import InstrumentType
from sim.kernels.money import fen_array as fen
from sim.schema import Field, Schema

DISTRICTS = "districts"     # field shape marker: one value per district (K, n_districts)
SIZES = ("micro", "small", "medium", "large")
SI_EMPLOYER_LINES = ("pension_employer", "medical_employer", "ui_employer", "injury_employer")


def sizes_field(default=SIZES, what="firms") -> Field:
    return Field("choice_list", choices=SIZES, default=list(default),
                 description=f"size classes of the {what} that qualify (工信部联企业〔2011〕300号 on insured "
                             "headcount); default: all")


def amount_field(description: str, default: Any = 0.0, name_zh: str = "", unit: str = "yuan") -> Field:
    return Field("float", unit=unit, min=0.0, max=100_000_000.0, default=default, by_month=True,
                 description=description, name_zh=name_zh)


def months_field(description: str, default: int, lo: int = 0, hi: int = 600) -> Field:
    return Field("int", unit="months", min=lo, max=hi, default=default, description=description)


def share_field(description: str, default: float | Any, by_month: bool = True, name_zh: str = "") -> Field:
    return Field("float", unit="share", min=0.0, max=1.0, default=default, by_month=by_month,
                 description=description, name_zh=name_zh)


def to_retirement_field(who: str, source: str) -> Field:
    return Field("float", unit="years", min=0.0, max=20.0, default=5.0,
                 description=f"{who} are subsidised until retirement ({source})")


EVERY_EXPIRY = ["1990-01", "2100-12"]     # the whole range a month may take (sim.params.months)


def extension_expiry_field() -> Field:
    return Field("month_range", default=EVERY_EXPIRY,
                 description="the extension applies only to entitlements whose max_months run out in these "
                             "months (e.g. 「实施期限为2020年1月1日至12月31日」 of an extension); default: any month; "
                             "compiled to run months [first, last]")


def no_static(m, k: int, p: dict, run) -> tuple[int, int]:
    return 0, -1


def no_month(m, k: int, p: dict, t: int, run) -> None:
    return None


def no_situations(p: dict) -> tuple[int, ...]:
    return ()


def one_off(p: dict) -> int:
    return 0


class RefundGroups:
    """Firms paid this calendar year by a member of each exclusive group of the payments made outside the
    person pass (稳岗返还 variants a firm gets one of): the first member in the group's order that pays a
    firm (`InstrumentTable.pay_outside` runs them in that order, priority first). sim.engine clears the
    marks each January."""

    def __init__(self):
        self.paid: dict[str, np.ndarray] = {}

    def of(self, group: str, n_firms: int) -> np.ndarray:
        """The group's mask of firms paid this year (all False for a new group)."""
        mask = self.paid.get(group)
        if mask is None or len(mask) != n_firms:
            mask = self.paid[group] = np.zeros(n_firms, bool)
        return mask

    def new_year(self) -> None:
        for mask in self.paid.values():
            mask[:] = False


@dataclass
class OutsideMonth:
    """What the payments made outside the person pass read and write in month t (sim.engine builds it
    after the person pass; arrays are this month's rows of the run's record, written in place)."""

    t: int
    month_of_year: int
    last_month: bool                # the run's last month
    firms: np.ndarray               # the firm records (after this month's person pass)
    run_key: np.uint64
    benefit_fen: np.ndarray         # this month's UI benefit by district
    cover: float                    # UI fund months of cover the 备付 gate reads
    district_shares: np.ndarray     # population share by district
    weight: float                   # real persons per simulated person
    placements_year: np.ndarray     # [slot, district] vested placements so far this calendar year
    ledger_fen: np.ndarray          # [slot, line, district] sample fen
    ledger_count: np.ndarray
    direct_fen: np.ndarray          # [slot, line, district] real fen
    direct_count: np.ndarray
    refund_groups: RefundGroups     # firms already paid this year by an exclusive group's member
    lpr_percent: float              # this month's 1-year loan prime rate (guaranteed-loan interest)


@dataclass(frozen=True)
class Declaration:
    """One instrument type.

    type : the InstrumentType.
    name_zh : the type's Chinese name (the catalogue of `subsim instruments`).
    schema : the type's own parameters (sim.schema), validated by sim.params.
    rule : the kernel rule that pays it (the InstrumentType the branches of sim.kernels.pay compare
        `ins_kind[k]` with): its own type by default; an existing type's to reuse that rule unchanged, the
        packing then writing that type's named fields.
    situations : params → the sim.kernels.layout L_* lists the instrument joins (the events it pays on).
    fields : named kernel fields, (name, dtype) for one value per instrument, (name, dtype, DISTRICTS)
        for one per district, (name, dtype, n) for n values. Names start with the type's field prefix.
    static : (m, k, params, run) → (employment window, near-retirement months); writes the fields fixed
        through the run. The two numbers bound the months after a hire in which an L_EMPLOYMENT
        instrument may still pay (0, −1 for the others).
    month : (m, k, params, t, run) → None; writes the month's amounts (fen, rounded once per district).
        It reads `t` only through the by-month parameters (`params[key][t]`), the run's constants and the
        locality's rules by month (`run.rates`, `run.employer_rate`, `run.min_wage`), so InstrumentTable
        runs it only in the months where one of those changes, unless `every_month`.
    every_month : `month` also reads what changes during the run (the guarantee capacity, the month's
        loan prime rate): it runs every month.
    person_level : paid by the person pass (False: paid to firms or institutions by sim.engine).
    startup_response : its being in force raises business entry (behaviour `responses`).
    refund_response : its being in force lowers layoffs in the size classes it covers.
    once_per_person : params → its claims are recorded in a claim bit (at most once per person in the run).
    claim_months : params → the longest a claim lasts, in months (0 for one-off payments): the default
        warm-up covers it (sim.warmup).
    pay_outside : (instrument, k, OutsideMonth) → None; pays firms, institutions or agencies after the
        person pass each month (None: the type pays nothing outside it).
    stated_posts : params → public posts (real persons) the instrument states (0: none stated).
    self_contained : `pay_outside` books its payments only in the instrument's own direct cells (real
        fen) and nothing during the run reads them but a budget envelope: with no person-level rule, no
        response and no claim, switching it off changes nothing but its own cost (sim.attribution skips
        that counterfactual run when no envelope covers its funds and it is in no exclusive group).
    person_contained : params → its person-level rule changes nothing but its own cells (ledger, its
        `pay_outside` direct cells) and the person's marks of its own claims (paid bit, claim bit, its
        candidate bit, its own per-person fields): no state, stock or spell length that the behaviour or
        another rule reads (no loan, no relief of contributions, no post length) — channels it has
        through the scenario (exclusive group, responses, `shares_with`, stated posts, envelopes, the UI
        fund's 备付 gate) are judged by sim.attribution.person_contained (docs/attribution.md).
    shares_with : the situation lists (sim.kernels.layout L_*) whose other members its payments change:
        a per-person counter they share (flexible-work months, 技能提升 certificates this year) or a
        payment that rules theirs out (a paid course is not also paid as 技能提升).
    cover_gate : (params, calendar month) → the UI fund's months of cover (备付月数) below which it pays
        nothing in that month, None in a month it reads no cover (the attribute None: it never does). The
        only place a run reads the UI fund account.
    """

    type: InstrumentType
    name_zh: str
    schema: Schema = field(default_factory=dict)
    situations: Callable[[dict], tuple[int, ...]] = no_situations
    fields: tuple = ()
    static: Callable = no_static
    month: Callable = no_month
    every_month: bool = False
    person_level: bool = True
    startup_response: bool = False
    refund_response: bool = False
    once_per_person: Callable[[dict], bool] = lambda p: False
    claim_months: Callable[[dict], int] = one_off
    pay_outside: Callable | None = None
    stated_posts: Callable[[dict], float] = lambda p: 0.0
    self_contained: bool = False
    person_contained: Callable[[dict], bool] = lambda p: False
    shares_with: tuple[int, ...] = ()
    cover_gate: Callable[[dict, int], float | None] | None = None
    rule: InstrumentType | None = None

    @property
    def kernel_rule(self) -> InstrumentType:
        """The type whose branch in sim.kernels.pay pays this one."""
        return self.type if self.rule is None else self.rule

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
