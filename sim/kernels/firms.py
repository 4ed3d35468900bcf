"""Firms' month (DESIGN §5 steps 1 and 3) and the reduction of the persons' per-chunk sums into firms.

`F` is the firms array (FIRM_DTYPE). Firm kernels run serially: there are ~100× fewer firms than
persons, so their cost is negligible.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from sim.codes import NEVER, EntityKind, Outcome, Slot
from sim.kernels import layout as L
from sim.rng import month_key, uniform



@njit(cache=True)
def year_end_close(F, months_observed, t, size_thresholds):
    """Close the calendar year: last year's contributions, layoffs, average insured headcount, layoff
    rate (layoffs ÷ average headcount) and size class (reviewed on the average headcount)."""
    for f in range(F.shape[0]):
        r = F[f]
        months = months_observed
        if r.founded_month > t - months:
            months = t - r.founded_month
        r.ui_contrib_last = r.ui_contrib_year
        r.si_contrib_last = r.si_contrib_year
        r.layoffs_last = r.layoffs_year
        average = r.insured_sum_year / months if months > 0 else 0.0
        r.insured_avg_last = average
        r.layoff_rate_last = r.layoffs_year / average if average > 0 else 0.0
        r.ui_contrib_year = 0
        r.si_contrib_year = 0
        r.layoffs_year = 0
        r.insured_sum_year = 0
        if r.alive and months > 0:
            size = 0
            for k in range(size_thresholds.shape[0]):
                if average >= size_thresholds[k]:
                    size = k + 1
            r.size_class = size


@njit(cache=True)
def firm_month(t, run_key, F, beh, mult, exit_multiplier, vacancy_multiplier, order, cum_vacancies, outcomes):
    """Exits, births into free slots and vacancies of month t; then cumulative vacancies along `order`
    (firms sorted by district) for the persons' vacancy-weighted firm choice. Adds firm outcomes."""
    key = month_key(run_key, EntityKind.FIRM, t)
    for f in range(F.shape[0]):
        r = F[f]
        size = r.size_class
        if r.alive:
            # records of the partial-closure classes never close whole (their workers: persons `_decide`)
            if mult[L.M_FIRM_PARTIAL_CLOSURE, size] == 0 \
                    and uniform(key, f, Slot.FIRM_EXIT) < mult[L.M_FIRM_EXIT, size] * exit_multiplier:
                r.alive = 0
                r.exit_month = t
                r.vacancies = 0
                outcomes[Outcome.firm_exits] += 1
                continue
            expected = r.insured * beh[L.FIRM_VACANCY_RATE] * vacancy_multiplier
            r.vacancies = np.int32(np.floor(expected + uniform(key, f, Slot.VACANCY)))   # stochastic rounding
        elif r.exit_month < t and uniform(key, f, Slot.FIRM_BIRTH) < beh[L.FIRM_BIRTH]:
            r.alive = 1
            r.founded_month = t
            r.exit_month = NEVER
            r.insured = 0
            r.contrib_months = 0
            r.ui_contrib_year = 0
            r.si_contrib_year = 0
            r.ui_contrib_last = 0
            r.si_contrib_last = 0
            r.layoffs_year = 0
            r.layoffs_last = 0
            r.insured_sum_year = 0
            r.insured_avg_last = 0.0
            r.layoff_rate_last = 0.0
            r.vacancies = np.int32(mult[L.M_FIRM_NEW_VACANCIES, size] * vacancy_multiplier + 0.5)
            outcomes[Outcome.firm_births] += 1
        else:
            r.vacancies = 0
    total = np.int64(0)
    alive = np.int64(0)
    for k in range(order.shape[0]):
        r = F[order[k]]
        total += r.vacancies
        alive += r.alive
        cum_vacancies[k] = total
    outcomes[Outcome.vacancies] += total
    outcomes[Outcome.firms_alive] += alive


@njit(cache=True)
def reduce_into_firms(FA, F):
    """Add the persons' per-chunk sums of the month to each firm, in chunk order (row by row, so the
    [chunk, firm] array is read in memory order)."""
    for f in range(F.shape[0]):
        r = F[f]
        r.insured = 0
        r.hires = 0
    for c in range(FA.shape[0]):
        row = FA[c]
        for f in range(F.shape[0]):
            a = row[f]
            r = F[f]
            r.insured += a.insured
            r.ui_contrib_year += a.ui_fen
            r.si_contrib_year += a.si_fen
            r.layoffs_year += a.layoffs
            r.hires += a.hires
    for f in range(F.shape[0]):
        r = F[f]
        r.insured_sum_year += r.insured
        if r.insured > 0 and r.contrib_months < 32767:
            r.contrib_months += 1
