"""From a scenario file to a frozen `Scenario`: load, validate everything, then build.

Nothing is built until the whole scenario (every file of its ``extends`` chain, the overrides and
the locality's profile and behaviour files) is free of problems; then every ``by_month`` parameter
becomes a dense float64 array over the run months, ready for the kernels.
"""
from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.codes import Fund, InstrumentType, Payee, group_mask, target_masks
from sim.params.errors import Problem, ScenarioError
from sim.params.loader import load_document
from sim.params.months import by_month_array, month_index
from sim.params.notices import scenario_notices
from sim.params.overrides import apply_to_document, locality_key_problems
from sim.params.overrides import split as split_overrides
from sim.params.scenario_schema import ECONOMY, ENVELOPE, INSTRUMENT_COMMON, TYPE_SCHEMAS
from sim.params.validate import OVERRIDE_FILE, validate_document
from sim.params.workbook import locate
from sim.schema import DERIVED, REQUIRED, Field, Schema


@dataclass(frozen=True, eq=False)
class Instrument:
    """One compiled instrument instance (DESIGN §6).

    Attributes
    ----------
    id : str
        The key of ``[instruments.<ID>]``.
    type : InstrumentType
    enabled : bool
    name_zh, name_en : str
    target_mask, exclude_mask : int
        OR of `sim.codes.GroupFlag` values (0 = no restriction / nothing excluded); `target_mask` holds
        the target's single flags.
    target_all_of : tuple of int
        The target's all-of entries, one mask each (every flag of one must be set); eligible when any
        flag of `target_mask` or any of these holds. Both empty = no restriction.
    application, take_up_source : str
        "required" (the payee applies; `take_up` is the scenario's) or "none" (paid without
        application, take-up 1), and where the take-up or the automatic payment comes from.
    funding : dict of Fund to float
        Share of each payment borne by each fund (sums to 1).
    payee : Payee
    active : numpy.ndarray of bool
        Per run month: in force (from ``since`` when given, else from ``valid``'s start, to ``valid``'s end).
    take_up : numpy.ndarray of float64
        Per run month: probability that an eligible claim is made.
    exclusive_group : str
    priority : int
    source : str
    catalogue_id : str
    params : dict
        Type-specific parameters: ``by_month`` ones as float64 arrays of length ``months``,
        schedules as float64 arrays of shape (n, 2), others as plain values.
    """

    id: str
    type: InstrumentType
    enabled: bool
    name_zh: str
    name_en: str
    target_mask: int
    exclude_mask: int
    funding: dict[Fund, float]
    payee: Payee
    active: np.ndarray
    take_up: np.ndarray
    exclusive_group: str
    priority: int
    source: str
    catalogue_id: str
    params: dict[str, Any]
    target_all_of: tuple[int, ...] = ()
    application: str = "required"   # or "none": paid without application (免申即享, 直补快办)
    take_up_source: str = ""
    first: int = 0                  # in force from (`since`, else `valid`'s start) to `valid`'s end, as
    last: int = 0                   # run-month indices (may lie before or after the run)


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated, compiled scenario.

    Attributes
    ----------
    path : Path
        The scenario file (resolved).
    name, title_zh, locality : str
    locality_dir : Path
        ``…/calibration/<locality>/``.
    start : str
        First month "YYYY-MM".
    months, persons, seed, reps : int
        After overrides.
    document : dict
        The merged scenario with defaults filled and overrides applied (JSON-serialisable; without
        ``scenario.extends``, which is resolved). This is what the manifest records.
    sha256 : str
        Hash of the canonical JSON of `document`.
    instruments : tuple of Instrument
        Enabled and disabled, in file order.
    profile, behaviour : dict
        Locality parameter values (nested).
    sources : dict of str to str
        Locality parameter key → source text.
    files : tuple of Path
        The ``extends`` chain, this file first.
    economy : dict of str to numpy.ndarray
        ``[economy]`` multipliers as one float64 value per run month.
    budget : dict of Fund to (numpy.ndarray, str)
        Funds with an envelope: the annual budget in force in each run month (yuan) and the rule.
    city_share : dict of Fund to numpy.ndarray
        Per fund the sharing applies to: the city's share of outlays net of transfers in each district
        (profile order).
    transfer_share : dict of Fund to tuple of float
        Per fund the sharing applies to: the (central, provincial) shares of outlays financed by
        transfers before the city/district split.
    distributions : dict of str to dict
        Uncertain behaviour parameters: dotted key → distribution (`sim.uncertainty`).
    overrides : dict of str to Any
        The ``set`` overrides applied (also recorded in ``document["overrides"]``).
    """

    path: Path
    name: str
    title_zh: str
    locality: str
    locality_dir: Path
    start: str
    months: int
    persons: int
    seed: int
    reps: int
    document: dict[str, Any]
    sha256: str
    instruments: tuple[Instrument, ...]
    profile: dict[str, Any]
    behaviour: dict[str, Any]
    sources: dict[str, str]
    files: tuple[Path, ...] = ()
    economy: dict[str, np.ndarray] = field(default_factory=dict)
    budget: dict[Fund, tuple[np.ndarray, str]] = field(default_factory=dict)
    city_share: dict[Fund, np.ndarray] = field(default_factory=dict)
    transfer_share: dict[Fund, tuple[float, float]] = field(default_factory=dict)
    distributions: dict[str, dict] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    notices: tuple[str, ...] = ()       # warnings for the user (sim.params.notices), not part of the inputs


def canonical_sha256(document: Any) -> str:
    """Return the sha256 of `document` as canonical JSON (sorted keys, no blanks, UTF-8)."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _readonly(array: np.ndarray) -> np.ndarray:
    # compiled parameters are shared by every replication: nobody may change them in place
    array.flags.writeable = False
    return array


def _funding(value: str | dict[str, float]) -> dict[Fund, float]:
    if isinstance(value, str):
        return {Fund[value]: 1.0}
    return {Fund[name]: float(share) for name, share in value.items()}


def _param(field: Field, value: Any, start: str, months: int) -> Any:
    if field.by_month:
        default = None if field.default in (REQUIRED, DERIVED) else field.default   # validation fills the gaps
        return _readonly(by_month_array(value, default, start, months))
    if field.kind == "schedule":
        return _readonly(np.asarray(value, dtype=np.float64).reshape(-1, 2))
    if field.kind == "month_range":            # as run months, like `valid`
        return _readonly(np.array([month_index(start, month) for month in value], np.int64))
    return copy.deepcopy(value)  # params must not share lists with the hashed document


def compile_instrument(iid: str, values: dict[str, Any], start: str, months: int) -> Instrument:
    """Build an `Instrument` from its validated values (see `validate_document`).

    Parameters
    ----------
    iid : str
        The instrument's key.
    values : dict
        Validated values with defaults filled.
    start : str
        First run month.
    months : int
        Run length.
    """
    # in force from `since` (the instrument or its predecessor began) when given, else from `valid`'s start
    first = month_index(start, values.get("since") or values["valid"][0])
    last = month_index(start, values["valid"][1])
    t = np.arange(months)
    take_up_field = INSTRUMENT_COMMON["take_up"]
    assert isinstance(take_up_field, Field)
    schema: Schema = TYPE_SCHEMAS[values["type"]]
    params = {key: _param(node, values[key], start, months)
              for key, node in schema.items() if isinstance(node, Field)}
    return Instrument(
        id=iid, type=InstrumentType[values["type"]], enabled=values["enabled"],
        name_zh=values["name_zh"], name_en=values["name_en"],
        target_mask=target_masks(values["target"])[0], target_all_of=target_masks(values["target"])[1],
        exclude_mask=group_mask(values["exclude"]),
        funding=_funding(values["funding"]), payee=Payee[values["payee"]],
        active=_readonly((t >= first) & (t <= last)),
        take_up=_param(take_up_field, values["take_up"], start, months),
        application=values["application"], take_up_source=values["take_up_source"],
        exclusive_group=values["exclusive_group"], priority=values["priority"],
        source=values["source"], catalogue_id=values["catalogue_id"], params=params, first=first, last=last)


def _load_locality(locality_dir: Path, **options) -> tuple[dict, dict, dict[str, str], list[Problem]]:
    # imported here, not at the top: the locality module builds on this package, and tests replace
    # its load_locality
    from sim.params.locality import load_locality
    return load_locality(locality_dir, **options)


def load_scenario(path: str | Path, *, months: int | None = None, persons: int | None = None,
                  seed: int | None = None, reps: int | None = None, set: dict[str, Any] | None = None) -> Scenario:
    """Load, validate and compile a scenario file.

    Parameters
    ----------
    path : str or Path
        The scenario TOML file.
    months, persons, seed, reps : int, optional
        Override the file's values (validated like them). ``seed=0`` is a valid seed.
    set : dict of str to Any, optional
        Dotted key → value written before validation: a scenario key (``instruments.SR-05.share.sme``)
        or a locality key (``behaviour.responses.hiring_subsidy_elasticity``); see `sim.params.overrides`.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        With every problem found in the scenario, its ``extends`` chain, the overrides, or the
        locality's files.
    """
    path = Path(path)
    overrides = {"months": months, "persons": persons, "seed": seed, "reps": reps}
    set_scenario, set_behaviour, set_profile = split_overrides(set)
    set_problems = locality_key_problems("behaviour", set_behaviour) + locality_key_problems("profile", set_profile)
    loaded = load_document(path)
    if not loaded.problems:
        set_problems += apply_to_document(loaded.document, loaded.origins, set_scenario)
    checked = validate_document(loaded.document if not loaded.problems else {}, path,
                                loaded.origins, overrides)
    if loaded.problems:
        # the chain did not load: only the overrides can still be judged
        override_problems = [p for p in checked.problems if p.file == OVERRIDE_FILE]
        raise ScenarioError(loaded.problems + set_problems + override_problems)
    locality_problems: list[Problem] = []
    distributions: dict[str, dict] = {}
    if checked.locality_dir is not None:       # the locality's files are checked even if the scenario is not clean
        profile, behaviour, sources, locality_problems = _load_locality(
            checked.locality_dir, behaviour_overrides=set_behaviour, profile_overrides=set_profile,
            distributions=distributions)
    if not locality_problems and checked.locality_dir is not None:
        locality_problems += _sharing_districts(checked.document.get("cost_sharing", {}), profile, path)
    if set_problems or checked.problems or locality_problems:
        # a value from a workbook is named by its sheet, row and column
        raise ScenarioError(locate(set_problems + checked.problems + locality_problems, loaded.files))
    document = checked.document
    document["scenario"].pop("extends", None)
    if set:
        document["overrides"] = dict(set)
    if not document["run"]["responses"]:
        behaviour["responses"]["enabled"] = False
    head, run = document["scenario"], document["run"]
    notices = scenario_notices(loaded, document)
    instruments, economy, budget = compile_months(document, head["start"], head["months"])
    return Scenario(
        path=path.resolve(), name=head["name"], title_zh=head["title_zh"],
        locality=head["locality"], locality_dir=checked.locality_dir, start=head["start"],
        months=head["months"], persons=run["persons"], seed=run["seed"], reps=run["reps"],
        document=document, sha256=canonical_sha256(document), instruments=instruments,
        profile=profile, behaviour=behaviour, sources=sources, files=tuple(f.resolve() for f in loaded.files),
        economy=economy, budget=budget,
        city_share=_city_share(document["cost_sharing"], profile),
        transfer_share=_transfer_share(document["cost_sharing"]), distributions=distributions,
        overrides=dict(set or {}), notices=tuple(notices))


def compile_months(document: dict, start: str, months: int) -> tuple[tuple[Instrument, ...], dict, dict]:
    """The month-by-month parts of a validated document over `months` run months from `start`: its
    instruments, `[economy]` multipliers and `[budget]` envelopes (sim.warmup compiles them over the
    warm-up and the reported months)."""
    instruments = tuple(compile_instrument(iid, values, start, months) for iid, values in document["instruments"].items())
    economy = {key: _param(ECONOMY[key], document["economy"][key], start, months) for key in ECONOMY}
    return instruments, economy, _budget(document["budget"], start, months)


def _budget(section: dict, start: str, months: int) -> dict[Fund, tuple[np.ndarray, str]]:
    envelopes = {}
    for fund, values in section.items():
        annual = _param(ENVELOPE["annual_yuan"], values["annual_yuan"], start, months)
        if np.any(annual > 0):
            envelopes[Fund[fund]] = (annual, values["rule"])
    return envelopes


def _city_share(section: dict, profile: dict) -> dict[Fund, np.ndarray]:
    districts = list(profile.get("districts", {}).get("population_share", {}))
    shares = np.array([section["city_share"].get(d, section["default_city_share"]) for d in districts])
    return {Fund[name]: _readonly(shares.copy()) for name in section["funds"]}


def _transfer_share(section: dict) -> dict[Fund, tuple[float, float]]:
    shares = (float(section["central_share"]), float(section["provincial_share"]))
    return {Fund[name]: shares for name in section["funds"]}


def _sharing_districts(section: dict, profile: dict, path: Path) -> list[Problem]:
    """District codes in [cost_sharing] must be the locality's."""
    districts = list(profile.get("districts", {}).get("population_share", {}))
    return [Problem(str(path), f"cost_sharing.city_share.{code}", share,
                    f"unknown district {code!r}; the locality's districts are: {', '.join(districts)}")
            for code, share in section.get("city_share", {}).items() if code not in districts]


def validate_files(paths: Iterable[str | Path]) -> list[Problem]:
    """Validate scenario files completely (as `load_scenario` would) and return every problem.

    Parameters
    ----------
    paths : iterable of str or Path

    Returns
    -------
    list of Problem
        Empty when every file is valid.
    """
    problems: list[Problem] = []
    for path in paths:
        try:
            load_scenario(path)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    return problems
