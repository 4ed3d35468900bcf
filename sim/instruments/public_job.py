"""公益性岗位补贴 (public_job): post subsidy (share of the minimum wage) and employer SI. Kernel rule:
sim.kernels.pay `_public_job`; `posts` sets the capacity of posts in sim.engine."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T, group_mask
from sim.instruments.declaration import (DISTRICTS, Declaration, extension_expiry_field, fen, months_field,
                                         per_district, share_field)
from sim.kernels import layout as L
from sim.schema import Field, Schema


def _static(m, k, p, run):
    m["public_job_max_months"][k] = p["max_months"]
    m["public_job_extension_months"][k] = p["extension_months"]
    m["public_job_extension_target"][k] = group_mask(p["extension_target"])
    m["public_job_max_placements"][k] = p["max_placements"]
    m["public_job_extension_expiry"][k] = p["extension_expiry"]
    return 0, -1


def _month(m, k, p, t, run):
    m["ins_amount_fen"][k] = fen(p["post_subsidy_share"][t] * run.min_wage[t])
    m["public_job_si_fen"][k] = per_district(run, p["si_subsidy_share"][t] * run.inputs.floor_yuan
                                             * run.employer_rate[t])


PUBLIC_JOB_PARAMETERS: Schema = {
    "post_subsidy_share": Field("float", unit="share of minimum wage", min=0.0, max=3.0, default=1.0,
                                by_month=True, name_zh="岗位补贴",
                                description="monthly post subsidy (DOMAIN_NOTES A36: 60–100 % of minimum wage)"),
    "si_subsidy_share": share_field("share of the employer's contributions at the floor base that is subsidised "
                                     "(DOMAIN_NOTES A36)", 1.0),
    "max_months": months_field("months per person (DOMAIN_NOTES A36: ≤ 3 years)", 36, 1, 600),
    "extension_months": months_field("extra months for `extension_target` groups", 0, 0, 120),
    "extension_target": Field("flags", default=[], description="groups that get the extension"),
    "extension_expiry": extension_expiry_field(),
    "max_placements": Field("int", unit="placements", min=1, max=100, default=2,
                            description="placements per person that may be paid (DOMAIN_NOTES A36)"),
    "posts": Field("float", unit="posts", min=0.0, max=10_000_000.0, default=0.0,
                   description="posts in the city; 0 = the behaviour file's public_job.posts_share"),
}


PUBLIC_JOB = Declaration(
    T.public_job, "公益性岗位", schema=PUBLIC_JOB_PARAMETERS, situations=lambda p: (L.L_PUBLIC,),
    fields=(("public_job_max_months", np.int64),
            ("public_job_extension_months", np.int64),  # more months for the groups of extension_target
            ("public_job_extension_target", np.uint32),
            ("public_job_max_placements", np.int64),    # earlier placements beyond which none is paid
            ("public_job_extension_expiry", np.int64, 2),   # run months the max_months must run out in
            ("public_job_si_fen", np.int64, DISTRICTS)),   # employer SI subsidy per month
    static=_static, month=_month,
    claim_months=lambda p: p["max_months"] + p["extension_months"], stated_posts=lambda p: p["posts"],
    # an extension lengthens the post itself (sim.kernels.pay.post_extension), not only its subsidy
    person_contained=lambda p: p["extension_months"] == 0 or not p["extension_target"])


DECLARATIONS = (PUBLIC_JOB,)
