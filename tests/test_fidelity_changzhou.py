"""Changzhou 2024 (seed 001): the fidelity fixes (issue 13 items 21–23)."""
from __future__ import annotations

import numpy as np

import sim


def test_cost_sharing_takes_the_transfers_first_and_splits_the_rest_between_city_and_district():
    """001 closing paragraph L89 「在统筹中央、省就业补助资金后,其余促进就业创业所需资金,新北区、天宁区、钟楼区由
    市、区财政各半承担,溧阳市、金坛区、武进区、常州经开区自行承担」: of 1,000 paid from 就业补助资金 in the core
    districts, 100 is central and 100 provincial (transfer shares 0.10 + 0.10, assumptions), the remaining
    800 is 400 city + 400 district; in 武进 it is 100 + 100 + 0 + 800; the UI fund (not listed) is all city."""
    costs = sim.run("scenarios/changzhou-2024.toml", persons=2000, months=2).costs
    assert {"central_yuan", "provincial_yuan", "city_yuan", "district_yuan"} <= set(costs)
    fund = costs[costs["funding"] == "employment_fund"]
    assert len(fund) > 0
    amount = fund["amount_yuan"].to_numpy()
    central, provincial = (amount * 0.10).round(2), (amount * 0.10).round(2)
    local = amount - central - provincial
    city = np.where(fund["district"] == "core", (local * 0.5).round(2), 0.0)
    assert np.array_equal(fund["central_yuan"].to_numpy(), central)
    assert np.array_equal(fund["provincial_yuan"].to_numpy(), provincial)
    assert np.array_equal(fund["city_yuan"].to_numpy(), city)
    assert np.allclose(fund["district_yuan"].to_numpy(), local - city, atol=0.006)
    ui = costs[costs["funding"] == "ui_fund"]
    assert (ui["central_yuan"] == 0).all() and (ui["provincial_yuan"] == 0).all()
    assert np.array_equal(ui["city_yuan"].to_numpy(), ui["amount_yuan"].to_numpy())
    payers = costs[["central_yuan", "provincial_yuan", "city_yuan", "district_yuan"]].sum(axis=1)
    assert np.allclose(payers, costs["amount_yuan"], atol=0.02)
