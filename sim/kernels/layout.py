"""Positions of behaviour parameters and multiplier tables in the flat arrays the kernels read.

`sim.inputs` fills these arrays from the validated behaviour file; kernels index them with the
constants below (numba folds module-level ints into the code).
"""
from __future__ import annotations

import numpy as np


from sim.codes import MAX_ALL_OF_GROUPS, MAX_INSTRUMENTS, UiStatus  # noqa: F401 (re-exported for the kernels)

# ---- scalar behaviour parameters: beh[...] ------------------------------------------------------
# separation
SEP_BASE = 0
SEP_INVOLUNTARY_SHARE = 1
SEP_TO_UNEMPLOYED = 2
SEP_TO_INACTIVE = 3
SEP_SHORT_TENURE = 4
SEP_AWAY_BASE = 5
# registration
REG_INVOLUNTARY = 6
REG_OTHER = 7
REG_LATE = 8
# job finding
JF_BASE = 9
JF_UI_RECEIPT = 10
JF_UI_EXHAUSTION = 11
JF_AWAY_RURAL = 12
JF_AWAY_PROVINCE = 13
# contract lengths
CT_ONE_YEAR = 14
CT_THREE_YEARS = 15
# other exits from unemployment
EX_TRAINING = 16
EX_INTERNSHIP = 17
EX_SELF_EMPLOYMENT = 18
EX_FLEXIBLE = 19
EX_PUBLIC_JOB = 20
EX_INACTIVE = 21
# training
TR_END = 22
TR_CERTIFICATE = 23
TR_BOOST = 24
TR_BOOST_LAG = 25
TR_BOOST_MONTHS = 26
# internship
IN_MONTHS = 27
IN_RETAIN = 28
# self-employment
SE_FAIL_Y1 = 29
SE_FAIL_Y2 = 30
SE_FAIL_Y3 = 31
SE_FAIL_Y4 = 32
SE_TO_EMPLOYED = 33
# flexible work
FL_TO_EMPLOYED = 34
FL_TO_UNEMPLOYED = 35
FL_TO_INACTIVE = 36
# public-welfare posts
PJ_TO_EMPLOYED = 37
PJ_MAX_MONTHS = 38
# inactivity
IA_TO_UNEMPLOYED = 39
IA_TO_EMPLOYED = 40
IA_FROM_LONG = 41
# school leavers
GR_EMPLOYED = 42
GR_INTERN = 43
GR_UNEMPLOYED = 44
GR_FURTHER_STUDY = 45
GR_JF_MULT = 46
# group definitions
P4050_WOMEN_MONTHS = 47
P4050_MEN_MONTHS = 48
# firms
FIRM_BIRTH = 49
FIRM_VACANCY_RATE = 50
# added with the instruments
IN_EARLY_HIRE = 51
SE_AGRICULTURE = 52
SK_EMPLOYED_RATE = 53
RESP_HIRE_ELASTICITY = 54
RESP_REFUND_LAYOFF = 55
RESP_STARTUP_ENTRY = 56
RESP_STARTUP_SURVIVAL = 57
# 就业困难人员 certification (认定)
CERTIFY_RATE = 58
# replacement hiring under the retirement-age rise (read by sim.engine's tightness, not by a kernel)
JF_REPLACEMENT = 59
N_BEH = 60

# ---- multiplier tables: mult[table, key] -----------------------------------------------------------
M_SEP_AGE = 0
M_SEP_SIZE = 1
M_JF_AGE = 2
M_JF_EDU = 3
M_JF_SPELL = 4
M_JF_SKILL = 5
M_JF_DISABILITY = 6
M_JF_REGISTRATION = 7
M_JF_HUKOU = 8
M_FIRM_EXIT = 9
M_FIRM_NEW_VACANCIES = 10
M_FIRM_PARTIAL_CLOSURE = 11   # 1: a record of this size class closes in part (its workers one by one), 0: whole
N_MULT = 12
MULT_WIDTH = 8

# ---- UI benefit status (persons.ui_status), plain ints for the kernels ----------------------------
UI_NONE = int(UiStatus.NONE)
UI_BENEFIT = int(UiStatus.BENEFIT)
UI_TO_RETIREMENT = int(UiStatus.TO_RETIREMENT)
UI_AID = int(UiStatus.AID)
UI_EXHAUSTED = int(UiStatus.EXHAUSTED)

# ---- per-month inputs: one record, rewritten in place each month -----------------------------------
MASS_SCALE = 1e9            # fixed-point unit of the expected-flow sums (exact whatever the chunking)
WAGE_NOISE_POINTS = 32      # equiprobable quantiles of the within-firm wage multiplier
N_EDUCATION = 6


N_SKILL_LEVELS = 3

# one_time_allowance events (`allowance_event`), startup_grant sectors (`grant_sector`)
EVENT_GRADUATING, EVENT_EMPLOYED_AWAY, EVENT_EMPLOYED, EVENT_BUSINESS_START = range(4)
SECTOR_ANY, SECTOR_AGRICULTURE, SECTOR_NON_AGRICULTURE = range(3)


# lists of instruments by the situation that triggers them: lists[L_*, :list_len[L_*]] = indices k
L_EMPLOYMENT, L_BUSINESS, L_FLEXIBLE, L_TRAINING, L_INTERN, L_PUBLIC, L_SKILL, L_GRADUATING, L_RELIEF, \
    L_HIRE_VALUE = range(10)
N_LISTS = 10


def instrument_fields(n_districts: int) -> list:
    """The fields every instrument has in the month record: arrays indexed by the instrument's position k
    among the enabled instruments (not by type), rewritten each month for by-month parameters. Each
    type's own fields are declared with the type (sim.instruments) and appended by `month_dtype`."""
    K = MAX_INSTRUMENTS
    return [
        ("n_ins", np.int64),
        ("ins_kind", np.int64, (K,)),       # sim.codes.InstrumentType
        ("ins_slot", np.int64, (K,)),       # ledger row
        ("ins_active", np.uint8, (K,)),     # in force this month (inside `valid`)
        ("ins_first", np.int64, (K,)), ("ins_last", np.int64, (K,)),   # `valid` as month indices
        ("ins_take_up", np.float64, (K,)),
        ("ins_key", np.uint64, (K,)),       # stable per-instrument key for its draws (from its ID)
        ("ins_target", np.uint32, (K,)), ("ins_exclude", np.uint32, (K,)),
        ("ins_all_of", np.uint32, (K, MAX_ALL_OF_GROUPS)),   # all-of target entries, 0 after the last
        ("ins_group", np.int64, (K,)),      # exclusive group number, −1 none
        ("ins_rank", np.int64, (K,)),       # order within the group: lower is tried first
        ("ins_sizes", np.int64, (K,)),      # bitmask of qualifying firm size classes
        ("ins_amount_fen", np.int64, (K, n_districts)),   # main amount per payment
        ("ins_claim_bit", np.int64, (K,)),  # bit in persons.claimed for once-per-person instruments, −1 none
        ("ins_value", np.float64, (K,)),    # yuan a hire brings its employer (hiring response)
        # summaries the person pass uses to skip work
        ("lists", np.int64, (N_LISTS, K)),
        ("list_len", np.int64, (N_LISTS,)),
        ("list_bits", np.uint64, (N_LISTS,)),   # the same lists as bit sets (bit k = instrument k)
        # exclusive groups: members[g, :group_len[g]] = the instruments of group g in rank order
        ("group_members", np.int8, (K, K)),
        ("group_len", np.int64, (K,)),
        ("employment_window", np.int64),    # months after an entry in which an L_EMPLOYMENT one may pay
        ("near_retirement_max", np.int64),  # largest hire_si_near_retirement in L_EMPLOYMENT
        ("annual_labour_cost", np.float64, (n_districts,)),
        ("startup_mask", np.uint32),        # groups a start-up instrument targets (all bits: any)
        ("refund_sizes", np.int64),         # size classes a 稳岗返还 in force this year covers
    ]


def month_dtype(n_districts: int, n_schedule: int, type_fields: list = ()) -> np.dtype:
    """Everything the person pass reads, in one record: behaviour constants (filled once) and the
    month's values. A record reaches the kernels as a plain pointer, so helpers that take it can be
    inlined without reference-count traffic (arrays passed to inlined helpers cost ≈ 2× run time).
    `type_fields`: the instrument types' named fields (sim.instruments.registry.month_dtype passes them;
    the person pass needs them, the UI kernel alone does not)."""
    return np.dtype([
        ("beh", np.float64, (N_BEH,)),      # behaviour vector (indices above)
        ("mult", np.float64, (N_MULT, MULT_WIDTH)),   # multiplier tables
        ("wage_noise", np.float64, (WAGE_NOISE_POINTS,)),
        ("edu_premium", np.float64, (N_EDUCATION,)),
        ("difficulty_any_of", np.uint32),   # GroupFlag mask defining 就业困难人员
        ("t", np.int64),                    # month index
        ("run_key", np.uint64),             # key of (seed, replication) for sim.rng
        ("year_start", np.int64),           # month index of January of the current calendar year
        ("cohort_month", np.int64),         # this calendar year's graduation month (NEVER before it)
        ("public_job_ratio", np.float64),   # rationing of entries into public-welfare posts
        ("sep_multiplier", np.float64),     # economy-wide separation multiplier (downturns)
        ("firm_exit_multiplier", np.float64),   # economy-wide firm-exit multiplier (partial closures)
        ("theta", np.float64, (n_districts,)),  # vacancy rationing of job finding, by district
        # contribution rules
        ("floor_yuan", np.float64), ("ceiling_yuan", np.float64),  # monthly contribution base bounds
        ("ui_rate", np.float64),            # UI, employer + employee
        ("si_rate", np.float64),            # all lines, employer + employee
        ("min_wage", np.int64, (n_districts,)),
        # the ui_benefit instrument (at most one)
        ("ui_active", np.bool_),            # enabled and in force this month
        ("ui_slot", np.int64),              # ledger row of the instrument
        ("ui_take_up", np.float64),
        ("ui_target", np.uint32),           # GroupFlag mask: claimants must be in one (0 = anyone)
        ("ui_exclude", np.uint32),          # GroupFlag mask: claimants must be in none
        ("benefit_fen", np.int64, (n_districts,)),
        ("medical_fen", np.int64, (n_districts,)),
        ("aid_fen", np.int64, (n_districts,)),
        ("top_up_fen", np.int64, (n_districts,)),
        ("migrant_allowance_fen", np.int64, (n_districts,)),   # one-off, insured under a year
        ("min_contribution_months", np.int64),
        ("schedule_years", np.float64, (n_schedule,)),
        ("schedule_months", np.int64, (n_schedule,)),
        ("max_months", np.int64),
        ("carry_over", np.bool_),
        ("continue_within", np.int64),      # months to retirement under which the benefit continues
        ("aid_months", np.int64),
        ("aid_for_ineligible", np.bool_),
        ("registration_required", np.bool_),
    ] + instrument_fields(n_districts) + list(type_fields))


def chunk_dtype(n_districts: int, n_slots: int, n_outcomes: int, n_lines: int) -> np.dtype:
    """Per-chunk accumulators of the person pass, reduced in chunk order afterwards."""
    return np.dtype([
        ("outcomes", np.int64, (n_outcomes,)),
        ("revenue_fen", np.int64, (n_districts,)),          # UI contributions
        ("search_mass", np.int64, (n_districts,)),          # expected local job finds, × MASS_SCALE
        ("public_job_mass", np.int64),                      # expected entries into public posts, × MASS_SCALE
        ("retirement_held", np.int64, (n_districts,)),      # change in local employees kept past their pre-reform retirement
        ("ledger_fen", np.int64, (n_slots, n_lines, n_districts)),
        ("ledger_count", np.int64, (n_slots, n_lines, n_districts)),
        ("placements", np.int64, (n_slots, n_districts)),   # vested agency placements (placement_fee)
        ("loan_fen", np.int64, (n_slots,)),                 # guaranteed principal outstanding, month end
    ])


# Per-chunk, per-firm accumulators: array of shape [chunk, firm].
FIRM_ACC_DTYPE = np.dtype([("insured", np.int32), ("ui_fen", np.int64), ("si_fen", np.int64),
                           ("layoffs", np.int32), ("hires", np.int32)])
