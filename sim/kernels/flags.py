"""Monthly group-flag bitmask of a person (codes.GroupFlag), from its attributes and state."""
from __future__ import annotations

import numpy as np
from numba import njit

from sim.codes import Disability, Education, GroupFlag, Household, Hukou, PersonBit, Sex, State


@njit(cache=True, inline="always")
def group_flags(t, year_start, state, bits, household, age, spell, education, school_leave_month, sex, disability,
                hukou, retire_month, p4050_women_months, p4050_men_months, difficulty_any_of, certified):
    """Flags of a person in month t, after this month's transitions (scalars only, so it inlines cheaply).

    `age` and `spell` are in months; `year_start` is the month index of this calendar year's January;
    the 4050 thresholds are ages in months; `difficulty_any_of` is the locality's categories of
    就业困难人员 as a GroupFlag mask; `certified` whether the person holds the certified status (认定,
    sim.kernels.persons `_certification`)."""
    bits = np.int64(bits)
    household = np.int64(household)
    flags = np.int64(0)
    unemployed = state == State.UNEMPLOYED
    if unemployed and (bits & PersonBit.REGISTERED):
        flags |= GroupFlag.reg_unemployed
        if spell >= 6:
            flags |= GroupFlag.reg_unemployed_6m
    if unemployed and spell >= 12:
        flags |= GroupFlag.unemployed_12m
        if age < 25 * 12:
            flags |= GroupFlag.long_term_unemployed_youth
    left = t - school_leave_month
    if education >= Education.SECONDARY_VOCATIONAL and left >= 0 and school_leave_month >= year_start:
        flags |= GroupFlag.school_graduate_year
    if (education == Education.COLLEGE or education == Education.BACHELOR_PLUS) and left >= 0:
        if school_leave_month >= year_start:
            flags |= GroupFlag.graduate_year
        if left < 24:
            flags |= GroupFlag.graduate_2y
        if left < 60:
            flags |= GroupFlag.graduate_5y
    if age >= 16 * 12 and age < 25 * 12:
        flags |= GroupFlag.youth_16_24
    if age < 20 * 12:
        flags |= GroupFlag.under_20
    if age >= (p4050_women_months if sex == Sex.FEMALE else p4050_men_months):
        flags |= GroupFlag.p4050
    if disability != Disability.NONE:
        flags |= GroupFlag.disabled
        if disability == Disability.SEVERE:
            flags |= GroupFlag.severely_disabled
    if household & Household.DIBAO:
        flags |= GroupFlag.dibao
    if household & Household.ZERO_EMPLOYMENT_FAMILY:
        flags |= GroupFlag.zero_employment_family
    if household & Household.POVERTY_ALLEVIATED:
        flags |= GroupFlag.poverty_alleviated
    if household & Household.RELOCATED:
        flags |= GroupFlag.relocated
    if household & Household.RURAL_LOW_INCOME:
        flags |= GroupFlag.rural_low_income
    if household & Household.RETURNEE:
        flags |= GroupFlag.returnee
    if household & Household.VETERAN:
        flags |= GroupFlag.veteran
    if hukou != Hukou.LOCAL_URBAN and state != State.INACTIVE and state != State.STUDENT:
        flags |= GroupFlag.migrant_worker
    to_retirement = retire_month - t
    if to_retirement <= 60:
        flags |= GroupFlag.near_retirement_5y
        if to_retirement <= 12:
            flags |= GroupFlag.near_retirement_1y
    if state == State.SELF_EMPLOYED and (bits & PersonBit.FIRST_BUSINESS):
        flags |= GroupFlag.first_time_founder
    # 就业困难人员: certified, in a category, and registered unemployed or in the job found from there
    if certified and (flags & difficulty_any_of) != 0 and (
            (flags & GroupFlag.reg_unemployed) or (bits & PersonBit.DIFFICULTY_HIRE)):
        flags |= GroupFlag.difficulty
    return np.uint32(flags)
