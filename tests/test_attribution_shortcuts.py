"""The attribution skips a counterfactual run only where it provably equals the factual without the
instrument's own cells (sim.attribution.self_contained); tests/test_attribution_reference.py checks the
rows against counterfactuals that were run (the reference holds every instrument of the Liupanshui
comparison, the self-contained ones included)."""
from __future__ import annotations

import dataclasses

from sim.attribution import self_contained
from sim.instruments import DECLARATION
from sim.params import load_scenario
from tests.conftest import LIUPANSHUI


def _scenario():
    return load_scenario(LIUPANSHUI, persons=2000)


def test_a_self_contained_type_has_no_channel_into_the_run():
    scenario = _scenario()
    found = set()
    for ins in scenario.instruments:
        declaration = DECLARATION.get(ins.type)
        if declaration is None or not declaration.self_contained:
            continue
        found.add(ins.type)
        assert not declaration.person_level and declaration.pay_outside is not None, ins.id
        assert not declaration.startup_response and not declaration.refund_response, ins.id
        assert declaration.situations(ins.params) == (), ins.id
        assert not declaration.once_per_person(ins.params) and declaration.stated_posts(ins.params) == 0, ins.id
    assert {t.name for t in found} == {"fixed_award", "firm_guaranteed_loan"}


def test_an_envelope_on_its_fund_or_an_exclusive_group_makes_the_counterfactual_run():
    scenario = _scenario()
    award = next(ins for ins in scenario.instruments if ins.type.name == "fixed_award")
    assert self_contained(award, scenario)
    fund = next(iter(award.funding))
    enveloped = dataclasses.replace(scenario, budget={fund: (None, "stop")})
    assert not self_contained(award, enveloped)
    assert not self_contained(dataclasses.replace(award, exclusive_group="awards"), scenario)
    refund = next(ins for ins in scenario.instruments if ins.type.name == "stabilization_refund")
    assert not self_contained(refund, scenario)
