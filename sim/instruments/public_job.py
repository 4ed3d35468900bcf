"""公益性岗位补贴 (public_job): post subsidy (share of the minimum wage) and employer SI. Kernel rule:
sim.kernels.pay `_public_job`; `posts` sets the capacity of posts in sim.engine."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T, group_mask
from sim.instruments.declaration import DISTRICTS, Declaration, fen, per_district
from sim.kernels import layout as L


def _static(m, k, p, run):
    m["public_job_max_months"][k] = p["max_months"]
    m["public_job_extension_months"][k] = p["extension_months"]
    m["public_job_extension_target"][k] = group_mask(p["extension_target"])
    m["public_job_max_placements"][k] = p["max_placements"]
    return 0, -1


def _month(m, k, p, t, run):
    m["ins_amount_fen"][k] = fen(p["post_subsidy_share"][t] * run.min_wage)
    m["public_job_si_fen"][k] = per_district(run, p["si_subsidy_share"][t] * run.inputs.floor_yuan * run.employer_rate)


PUBLIC_JOB = Declaration(
    T.public_job, "公益性岗位", situations=lambda p: (L.L_PUBLIC,),
    fields=(("public_job_max_months", np.int64),
            ("public_job_extension_months", np.int64),  # more months for the groups of extension_target
            ("public_job_extension_target", np.uint32),
            ("public_job_max_placements", np.int64),    # earlier placements beyond which none is paid
            ("public_job_si_fen", np.int64, DISTRICTS)),   # employer SI subsidy per month
    static=_static, month=_month)


def stated_posts(instruments: tuple) -> float:
    """Posts (real persons) stated by the enabled public_job instruments; 0 when none states them (the
    behaviour's capacity applies)."""
    return sum(ins.params["posts"] for ins in instruments if ins.type == T.public_job and ins.params["posts"] > 0)


DECLARATIONS = (PUBLIC_JOB,)
