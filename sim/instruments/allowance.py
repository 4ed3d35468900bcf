"""一次性求职创业补贴 and similar one-off allowances (one_time_allowance), paid on an event. Kernel rules:
sim.kernels.pay `_employment_linked`, `_business`, `_graduating`."""
from __future__ import annotations

import numpy as np

from sim.codes import InstrumentType as T
from sim.instruments.declaration import DISTRICTS, Declaration, amount_field, months_field, per_district
from sim.kernels import layout as L
from sim.schema import Field, Schema

EVENTS = {"graduating": L.EVENT_GRADUATING, "employed_away": L.EVENT_EMPLOYED_AWAY,
          "employed": L.EVENT_EMPLOYED, "business_start": L.EVENT_BUSINESS_START}
SITUATION = {"graduating": (L.L_GRADUATING,), "business_start": (L.L_BUSINESS,),
             "employed_away": (L.L_EMPLOYMENT,), "employed": (L.L_EMPLOYMENT,)}


def _static(m, k, p, run):
    m["allowance_wait_months"][k] = p["wait_months"]
    m["allowance_event"][k] = EVENTS[p["event"]]
    return p["wait_months"], -1


def _month(m, k, p, t, run):
    m["ins_amount_fen"][k] = per_district(run, p["amount"][t])
    m["allowance_cross_province_fen"][k] = per_district(run, p["cross_province_amount"][t])


ALLOWANCE_EVENTS = ("graduating", "employed_away", "employed", "business_start")

ONE_TIME_ALLOWANCE_PARAMETERS: Schema = {
    "event": Field("enum", choices=ALLOWANCE_EVENTS, description="graduating: the month a school leaver "
                   "enters the labour market; employed_away: rural labour after wait_months working outside "
                   "the county; employed: an entry into employment; business_start: a new business"),
    "amount": amount_field("amount (cross-county destination for employed_away)", name_zh="补贴标准"),
    "cross_province_amount": amount_field("employed_away: amount for a cross-province destination", 0.0),
    "wait_months": months_field("months the event must have lasted (e.g. employed ≥ 3 months)", 0, 0, 60),
    "once_per_person": Field("bool", default=True, description="at most once per person in the run"),
}


ONE_TIME_ALLOWANCE = Declaration(
    T.one_time_allowance, "求职创业补贴/交通补助", schema=ONE_TIME_ALLOWANCE_PARAMETERS,
    situations=lambda p: SITUATION[p["event"]],
    fields=(("allowance_wait_months", np.int64),       # months after the event before payment
            ("allowance_event", np.int64),             # EVENT_* of sim.kernels.layout
            ("allowance_cross_province_fen", np.int64, DISTRICTS)),   # amount for work in another province
    static=_static, month=_month, once_per_person=lambda p: p["once_per_person"],
    person_contained=lambda p: True)

DECLARATIONS = (ONE_TIME_ALLOWANCE,)
