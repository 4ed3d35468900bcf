"""灵活就业社会保险补贴 (flexible_si_subsidy). Kernel rule: sim.kernels.pay `_flexible`."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T, group_mask
from sim.instruments.declaration import (Declaration, extension_expiry_field, months_field, per_district,
                                         share_field, to_retirement_field)
from sim.kernels import layout as L
from sim.schema import Field, Schema


def _static(m, k, p, run):
    m["flex_max_months"][k] = p["max_months"]
    m["flex_extension_months"][k] = p["extension_months"]
    m["flex_extension_target"][k] = group_mask(p["extension_target"])
    m["flex_near_retirement"][k] = int(round(p["to_retirement_within_years"] * 12))
    m["flex_groups_at_entry"][k] = p["groups_at_entry"]
    m["flex_extension_expiry"][k] = p["extension_expiry"]
    return 0, -1


def _month(m, k, p, t, run):
    m["ins_amount_fen"][k] = per_district(
        run, p["share"][t] * p["base_share"][t] * run.average_month * p["contribution_rate"][t])


FLEXIBLE_SI_SUBSIDY_PARAMETERS: Schema = {
    "share": share_field("share of the contribution subsidised (DOMAIN_NOTES A25: ≤ 2/3)", 2 / 3,
                         name_zh="补贴比例"),
    "base_share": Field("float", unit="share of average wage", min=0.0, max=3.0, default=0.6, by_month=True,
                        description="contribution base as a share of the provincial average wage (0.6 = the "
                                    "minimum base, DOMAIN_NOTES A26; 1.0 = 100 %)"),
    "contribution_rate": Field("float", unit="rate", min=0.0, max=1.0, default=0.20, by_month=True,
                               description="rate of the contributions covered: assumption: 20 % (flexible "
                                           "workers' pension rate, 国发〔2005〕38号); add the medical rate when "
                                           "the text covers medical insurance too"),
    "max_months": months_field("months per person (DOMAIN_NOTES A25: 3 years; graduates 2 years)", 36, 1, 255),
    "to_retirement_within_years": to_retirement_field("persons with fewer years than this to statutory retirement "
                                                      "(checked each month, beyond max_months)", "DOMAIN_NOTES A25"),
    "extension_months": months_field("extra months for persons still in an `extension_target` group when "
                                      "max_months runs out (DOMAIN_NOTES A25: +1 year)", 0, 0, 120),
    "extension_target": Field("flags", default=[], description="groups that get the extension"),
    "extension_expiry": extension_expiry_field(),
    "groups_at_entry": Field("bool", default=False,
                             description="test the target groups once, at the entry into flexible work (the "
                                         "flags of the month before), so the subsidy runs its max_months from "
                                         "there (004 A1§(八): 「离校2年内未就业的高校毕业生灵活就业后…补贴期限最长"
                                         "不超过2年」); false: the groups of each month"),
}


FLEXIBLE_SI_SUBSIDY = Declaration(
    T.flexible_si_subsidy, "灵活就业社保补贴", schema=FLEXIBLE_SI_SUBSIDY_PARAMETERS, situations=lambda p: (L.L_FLEXIBLE,),
    fields=(("flex_max_months", np.int64),             # lifetime months paid
            ("flex_extension_months", np.int64),       # more months for the groups of extension_target
            ("flex_extension_target", np.uint32),
            ("flex_near_retirement", np.int64),        # paid on while this close to retirement (months)
            ("flex_groups_at_entry", np.uint8),        # groups tested at the entry, not each month
            ("flex_extension_expiry", np.int64, 2)),   # run months the max_months must run out in
    static=_static, month=_month, claim_months=lambda p: p["max_months"] + p["extension_months"],
    person_contained=lambda p: True, shares_with=(L.L_FLEXIBLE,))   # flex_subsidy_months

DECLARATIONS = (FLEXIBLE_SI_SUBSIDY,)
