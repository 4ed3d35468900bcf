"""Warm start (DESIGN §5 "Warm start", issue 12 §1): a run begins with the caseload that exists.

Before the first reported month the model runs `W` warm-up months under the rules then in force and
reports nothing from them. Everything persons and firms carry continues: subsidy spells with the
months used, loans and their schedules, public posts, UI claims with the entitlement used, interns
and trainees, firms' complete last-year accounts (the first 稳岗返还 is on a full year), headcounts and
layoff histories.

**One timeline.** Run month 0 is the warm-up's first month (the scenario's start − W); the reported
months are W … W+T−1. The population is drawn for the warm-up's first month with the school leavers
of every month of the timeline; the warm-up runs months 0 … W−1 under the *warm-up rules*, and the
reported months resume from its end (`sim.engine.simulate(resume=…)`) under the scenario's own rules.
Both phases use the same run key and month numbers, so a draw keyed by an event month (take-up of a
claim, a loan's default …) is the same draw in both: a claim made in the warm-up is followed through
the reported months.

**Warm-up rules** are the instruments of the root of the `extends` chain (the baseline document, with
the run's overrides of its keys), each in force from its `since` (or its `valid` start) to its `valid`
end. A reform's changes take effect from the first reported month, so a reform run alone and in a
comparison start from the same state, and every variant of a comparison, attribution or sweep starts
from one warmed state (common random numbers). A parameter table before its first effective month
takes its first value (assumption: the earliest amount a text states was the amount before it; a
scenario can give earlier effective months for older amounts). In the reported months, an event of
the warm-up (a hire, a placement, a course, a business start) is claimed from an instrument only if
that instrument was in force then under the warm-up rules and still at the warm-up's end; an
instrument a reform adds takes claims from events of the reported months only.

**Not carried**: the UI fund account starts the reported months from the profile's published opening
balance and prior outlays (the warm-up's simulated account is discarded), and budget envelopes start
with the first reported month. A run from a person register starts from the register (no warm-up).

**Length.** `[run] warmup_months`, by default long enough for the longest duration of an enabled
continuing instrument of the warm-up rules (each declaration's `claim_months`: a stock of spells that
last at most D months is in steady state D months after its inflow began) and for a complete calendar
year of firm accounts before the first reported month; 0 is a cold start.

**Built once, reused.** `starting_state` is keyed by everything it depends on (`warm_key`: locality
files, warm-up rules, seed, replication, persons, start, months, warm-up length) and the last one is
kept in memory. With a store set by `keep_states_in` (sim.tasks sets its task store for a run that has
one, in this process and in every worker) a built state is also put there and later runs load it
instead of recomputing: calibration, sweeps, sensitivity and repeated runs with the same locality
files, warm-up rules, seed, replication and persons share it. `save`/`load` write and read a state
as .npz (the store's format).
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import dataclasses
import functools
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from sim.codes import InstrumentType
from sim.engine import LoopState, RunRecord, simulate
from sim.instruments import DECLARATION
from sim.params import Scenario
from sim.params.compile import canonical_sha256, compile_months, load_scenario
from sim.params.loader import load_document
from sim.params.months import calendar_month, month_label, month_number
from sim.params.overrides import split as split_overrides
from sim.params.scenario_schema import instrument_schema
from sim.population.arrays import Firms, Persons
from sim.population.register import Register
from sim.population.synthetic import Population, synthesize
from sim.schema import Field

UI_CLAIM_KEYS = ("max_months", "aid_months")   # ui_benefit's longest claim; other types declare theirs
NO_SPELL = np.iinfo(np.int32).min        # a spell key no spell has: candidate bits are recomputed


@dataclasses.dataclass
class WarmState:
    """Where the reported months start: the population and loop state at the warm-up's end.

    Attributes
    ----------
    key : str
        `warm_key` of the state.
    months : int
        Warm-up months W (0: a cold start; `population` is then the drawn starting population).
    population : Population
        Persons and firms at the end of the warm-up (month fields on the timeline); never modified.
    loop : LoopState or None
        The month loop's state for month W.
    slots : tuple of str
        Enabled warm-up instruments in ledger-slot order (what slot-indexed person fields refer to).
    claim_bits : tuple of str
        Once-per-person allowances of the warm-up in claim-bit order.
    claims_from : dict of str to int
        Warm-up instruments in force at its end → first event month (timeline) their claims come from.
    """

    key: str
    months: int
    population: Population
    loop: LoopState | None = None
    slots: tuple[str, ...] = ()
    claim_bits: tuple[str, ...] = ()
    claims_from: dict[str, int] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0          # time it took to build


_RULES: dict[tuple, dict] = {}
_LAST: dict[str, WarmState] = {}         # the last state built, by key
_TIMELINES: dict[tuple, tuple] = {}
_STORE: dict[str, Any] = {}             # "states": where built states are kept, if anywhere (keep_states_in)


def keep_states_in(store) -> None:
    """Keep built starting states in `store` and load them from there: an object with
    `get_state(key) -> WarmState | None` and `put_state(key, state)` (sim.tasks.TaskStore); None: nowhere."""
    _STORE.clear()
    if store is not None:
        _STORE["states"] = store


# who is told of every month simulated in this thread (`months_reported_to`); a context variable, so the
# setting ends with its block and a thread or another run does not see it
_MONTHS: contextvars.ContextVar[Callable[[str, int, int], None] | None] = contextvars.ContextVar("months", default=None)
WARMUP, REPORTED = "warmup", "report"


@contextlib.contextmanager
def months_reported_to(callback: Callable[[str, int, int], None] | None) -> Iterator[None]:
    """In the block, every month simulated in this thread is reported as `callback(phase, done, total)`
    after it is run: phase "warmup" (building a starting state; none when the state is reused) or "report"
    (a run's reported months), `done` of `total` months of that simulation. Runs in other processes
    (executors "processes", "dask") report nothing here. None: nobody is told."""
    token = _MONTHS.set(callback)
    try:
        yield
    finally:
        _MONTHS.reset(token)


def _month_progress(phase: str, progress: Callable[[int, int], None] | None = None):
    """`progress` for `simulate`: the caller's own, and the `months_reported_to` callback's with `phase`."""
    callback = _MONTHS.get()
    if callback is None:
        return progress
    told = functools.partial(callback, phase)
    if progress is None:
        return told

    def both(done: int, total: int) -> None:
        progress(done, total)
        told(done, total)
    return both


def rules_document(scenario: Scenario) -> dict:
    """The warm-up rules: the validated document of the root of the `extends` chain, with the run's
    overrides of keys it has."""
    root = scenario.files[-1] if scenario.files else scenario.path
    if Path(root) == Path(scenario.path):
        return scenario.document
    cache_key = (str(root), scenario.sha256)
    if cache_key not in _RULES:
        ids = load_document(root).document.get("instruments", {})
        own = {key: value for key, value in split_overrides(scenario.overrides)[0].items()
               if not key.startswith("instruments.") or key.split(".")[1] in ids}
        _RULES.clear()
        _RULES[cache_key] = load_scenario(root, months=scenario.months, persons=scenario.persons, seed=scenario.seed,
                                          set=own or None).document
    return _RULES[cache_key]


def duration_months(instrument_type: InstrumentType, values: dict) -> int:
    """Longest claim of one instrument (0 for one-off payments): its declaration's `claim_months`."""
    if instrument_type == InstrumentType.ui_benefit:
        return int(sum(values[key] for key in UI_CLAIM_KEYS))
    return int(DECLARATION[instrument_type].claim_months(values))


def default_months(scenario: Scenario) -> tuple[int, str]:
    """The default warm-up length and why: the longest claim of an enabled instrument of the warm-up
    rules, and at least a complete calendar year of firm accounts before the first reported month."""
    accounts = 12 + calendar_month(scenario.start, 0) - 1
    longest, which = 0, ""
    for iid, values in rules_document(scenario)["instruments"].items():
        if values["enabled"]:
            months = duration_months(InstrumentType[values["type"]], values)
            if months > longest:
                longest, which = months, iid
    if longest >= accounts:
        return longest, f"longest claim of an enabled instrument of the warm-up rules: {which}, {longest} months"
    return accounts, (f"a complete calendar year of firm accounts before {scenario.start} "
                      f"(longest claim: {which or 'none'}, {longest} months)")


def warmup_months(scenario: Scenario) -> int:
    """`[run] warmup_months`, or the default (`default_months`)."""
    given = scenario.document["run"].get("warmup_months")
    return given if given is not None else default_months(scenario)[0]


def describe(scenario: Scenario, register: Register | None = None) -> dict:
    """The manifest's record of the warm-up: months, why, first month, the rules' file and hash, and
    the `since` dates in force."""
    if register is not None:
        return {"months": 0, "note": "a run from a person register starts from the register: no warm-up"}
    months = warmup_months(scenario)
    given = scenario.document["run"].get("warmup_months")
    entry = {"months": months, "why": "[run] warmup_months" if given is not None else default_months(scenario)[1]}
    if months == 0:
        return entry | {"note": "cold start: no warm-up"}
    rules = rules_document(scenario)
    root = scenario.files[-1] if scenario.files else scenario.path
    return entry | {
        "first_month": month_label(scenario.start, -months), "rules_file": Path(root).name,
        "rules_sha256": canonical_sha256({"instruments": rules["instruments"], "economy": rules["economy"]}),
        "since": {iid: {"since": v["since"], "source": v["since_source"]}
                  for iid, v in rules["instruments"].items() if v["enabled"] and v.get("since")},
    }


def warm_key(scenario: Scenario, replication: int) -> str:
    """Everything a starting state depends on (with parameter draws: the replication's scenario)."""
    months = warmup_months(scenario)
    parts = {"profile": scenario.profile, "behaviour": scenario.behaviour, "persons": scenario.persons,
             "start": scenario.start, "months": scenario.months, "seed": scenario.seed, "replication": replication,
             "warmup_months": months}
    if months:
        rules = rules_document(scenario)
        parts["rules"] = {"instruments": rules["instruments"], "economy": rules["economy"]}
    return canonical_sha256(parts)


def _backdated(document: dict, start: str, first: str) -> dict:
    """The document with each instrument parameter table whose first effective month is at or before
    `start` taking its first value from `first` on (assumption: see the module docstring)."""
    out = dict(document, instruments=copy.deepcopy(document["instruments"]))
    for values in out["instruments"].values():
        for key, node in (instrument_schema(values["type"]) or {}).items():
            table = values.get(key)
            if isinstance(node, Field) and node.by_month and isinstance(table, dict) and table:
                earliest = min(table, key=month_number)
                if month_number(first) < month_number(earliest) <= month_number(start):
                    table[first] = table.pop(earliest)
    return out


def _once_per_person(instruments) -> tuple[str, ...]:
    """IDs of the instruments that hold a claim bit, in bit order (as sim.instruments.InstrumentTable)."""
    return tuple(ins.id for ins in instruments if ins.type in DECLARATION
                 and DECLARATION[ins.type].once_per_person(ins.params))


def starting_state(scenario: Scenario, replication: int = 0) -> WarmState:
    """The state the reported months of one replication start from: the population drawn for the
    warm-up's first month and run through the warm-up (built once; the last one is kept, and put in
    the store of `keep_states_in` if one is set)."""
    key = warm_key(scenario, replication)
    store = _STORE.get("states")
    state = _LAST.get(key) or (store.get_state(key) if store is not None else None)
    state = state or _build(scenario, replication, key)
    _LAST.clear()
    _LAST[key] = state
    if store is not None:
        store.put_state(key, state)          # nothing to do when it is there
    return state


def _build(scenario: Scenario, replication: int, key: str) -> WarmState:
    started = time.perf_counter()
    months = warmup_months(scenario)
    first = month_label(scenario.start, -months)
    population = synthesize(scenario.profile, scenario.behaviour, persons=scenario.persons, start=first,
                            months=months + scenario.months, seed=scenario.seed, replication=replication)
    if months == 0:
        state = WarmState(key, 0, population)
    else:
        rules = _backdated(rules_document(scenario), scenario.start, first)
        instruments, economy, _ = compile_months(rules, first, months)
        warm = dataclasses.replace(scenario, start=first, months=months, instruments=instruments, economy=economy,
                                   budget={})
        record = simulate(warm, replication=replication, population=population, owned=True,
                          progress=_month_progress(WARMUP))
        enabled = [ins for ins in instruments if ins.enabled]
        state = WarmState(key, months, record.population, record.loop_state, tuple(ins.id for ins in enabled),
                          _once_per_person(enabled),
                          {ins.id: ins.first for ins in enabled if ins.active[months - 1]})
    state.seconds = round(time.perf_counter() - started, 3)
    return state


def timeline(scenario: Scenario, state: WarmState) -> Scenario:
    """The scenario over the whole timeline (warm-up and reported months), with each instrument's
    claims from warm-up events limited as the module docstring says."""
    months = state.months
    cache_key = (scenario.sha256, str(scenario.path), months, tuple(sorted(state.claims_from.items())))
    if cache_key not in _TIMELINES:
        first = month_label(scenario.start, -months)
        compiled = compile_months(_backdated(scenario.document, scenario.start, first), first,
                                  months + scenario.months)
        _TIMELINES.clear()
        _TIMELINES[cache_key] = (first, compiled)
    first, (instruments, economy, budget) = _TIMELINES[cache_key]
    enabled = {ins.id: ins.enabled for ins in scenario.instruments}
    placed = []
    for ins in instruments:
        # events of the warm-up count if the warm-up rules had the instrument in force then and at their
        # end, and its own window reaches back to the first reported month; else reported months' only
        carried = state.claims_from.get(ins.id)
        claims_from = carried if carried is not None and ins.first <= months else max(ins.first, months)
        placed.append(dataclasses.replace(ins, enabled=enabled[ins.id], first=claims_from))
    return dataclasses.replace(scenario, start=first, months=months + scenario.months, instruments=tuple(placed),
                               economy=economy, budget=budget)


def start_population(state: WarmState, line: Scenario) -> Population:
    """A copy of the warm population with its slot-indexed fields translated from the warm-up's
    instruments to `line`'s (by ID): loans of an instrument no longer enabled leave the books, the
    once-per-person claims keep their instrument, the spells' candidate instruments are recomputed, and
    nobody counts as paid yet (sim.attribution traces the reported months)."""
    population = state.population.copy()
    P = population.persons.data
    enabled = [ins for ins in line.instruments if ins.enabled]
    slot = {ins.id: k for k, ins in enumerate(enabled)}
    to_slot = np.array([slot.get(iid, -1) for iid in state.slots] or [-1], np.int64)
    loans = P["loan_yuan"] > 0
    moved = to_slot[P["loan_ins"][loans].astype(np.int64)]
    P["loan_ins"][loans] = np.maximum(moved, 0)
    P["loan_yuan"][np.flatnonzero(loans)[moved < 0]] = 0
    bits = _once_per_person(enabled)
    claimants = np.flatnonzero(P["claimed"])             # the few with a claim bit to translate
    records = P[claimants]
    claimed = records["claimed"].astype(np.int64) & ~_claimed_in_current_spell(state, records, enabled)
    out = np.zeros(len(claimants), np.int64)
    for old, iid in enumerate(state.claim_bits):
        if iid in bits:
            out |= ((claimed >> old) & 1) << bits.index(iid)
    P["claimed"][claimants] = out.astype(np.uint16)
    P["spell_key"] = NO_SPELL
    P["paid_mask"] = 0
    return population


def _claimed_in_current_spell(state: WarmState, P: np.ndarray, enabled) -> np.ndarray:
    """Claim bits (warm-up positions) of continuing once-per-person instruments whose claim was made in
    the person's current spell. The reported months recompute every spell's candidates, and
    `pay._unclaimed` drops an instrument whose bit is set: these bits are cleared so the spell keeps
    paying (its next payment sets the bit again). A claim belongs to the current spell when the spell's
    candidate cache is the current spell's (its key as `pay._candidates` forms it in the warm-up's last
    month) and holds the instrument: one claimed in an earlier spell was no candidate of this one."""
    key = (state.months - 1 - P["state_months"].astype(np.int64)) * 16 + P["state"].astype(np.int64)
    current = P["spell_key"].astype(np.int64) == key
    continuing = {ins.id for ins in enabled if ins.type in DECLARATION and DECLARATION[ins.type].claim_months(ins.params) > 0}
    slot = {iid: k for k, iid in enumerate(state.slots)}
    out = np.zeros(len(P), np.int64)
    for bit, iid in enumerate(state.claim_bits):
        if iid in continuing and iid in slot:
            candidate = (P["spell_candidates"] >> np.uint64(slot[iid])) & np.uint64(1) == 1
            out |= np.where(current & candidate, np.int64(1) << bit, 0)
    return out


def run(scenario: Scenario, replication: int = 0, *, state: WarmState | None = None, observe=None, progress=None,
        register: Register | None = None) -> RunRecord:
    """One replication's reported months, started from `state` (default: `starting_state`); the
    record holds the reported months only. A register run starts from the register (no warm-up)."""
    progress = _month_progress(REPORTED, progress)
    if register is not None:
        return simulate(scenario, replication=replication, observe=observe, progress=progress, register=register)
    state = state or starting_state(scenario, replication)
    if state.months == 0:
        return simulate(scenario, replication=replication, observe=observe, progress=progress,
                        population=state.population)
    started = time.perf_counter()
    line = timeline(scenario, state)
    population = start_population(state, line)
    copied = time.perf_counter() - started
    record = simulate(line, replication=replication, observe=observe, progress=progress,
                      population=population, owned=True, resume=state.loop)
    record.timings["warmup_seconds"] = state.seconds      # building the state (once; shared by its runs)
    # the run's own copy of the state is part of building the run (benchmarks/end_to_end.py splits by these)
    record.timings["build_seconds"] = round(record.timings["build_seconds"] + copied, 3)
    return dataclasses.replace(record, scenario=scenario)


def save(state: WarmState, path: str | Path) -> None:
    """Write a state as .npz (arrays and a JSON header; no pickles)."""
    pop, loop = state.population, state.loop
    header = {"key": state.key, "months": state.months, "slots": state.slots, "claim_bits": state.claim_bits,
              "claims_from": state.claims_from, "initial_persons": pop.initial_persons, "weight": pop.weight,
              "district_codes": pop.district_codes, "cohort_sizes": {str(k): v for k, v in pop.cohort_sizes.items()}}
    arrays = {"persons": pop.persons.data, "firms": pop.firms.data}
    if loop is not None:
        header["loop"] = {"month": loop.month, "public_job_ratio": loop.public_job_ratio,
                          "last_close": loop.last_close, "placements": list(loop.placements)}
        arrays["theta"] = loop.theta
        arrays["placements"] = np.array(list(loop.placements.values()), np.int64).reshape(len(loop.placements), -1)
    with open(path, "wb") as handle:
        np.savez(handle, header=np.array(json.dumps(header)), **arrays)


def load(path: str | Path) -> WarmState:
    """Read a state written by `save`."""
    with np.load(path, allow_pickle=False) as data:
        header = json.loads(str(data["header"]))
        population = Population(Persons(data["persons"].copy()), Firms(data["firms"].copy()), header["initial_persons"],
                                header["weight"], tuple(header["district_codes"]),
                                {int(k): v for k, v in header["cohort_sizes"].items()})
        loop = None
        if "loop" in header:
            head = header["loop"]
            loop = LoopState(month=head["month"], theta=data["theta"].copy(), public_job_ratio=head["public_job_ratio"],
                             last_close=head["last_close"],
                             placements=dict(zip(head["placements"], data["placements"].copy())))
    return WarmState(header["key"], header["months"], population, loop, tuple(header["slots"]),
                     tuple(header["claim_bits"]), header["claims_from"])


__all__ = ["WarmState", "default_months", "describe", "duration_months", "load",
           "rules_document", "run", "save", "start_population", "starting_state", "timeline", "warm_key",
           "warmup_months"]
