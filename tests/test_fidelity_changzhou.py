"""Changzhou 2024 (seed 001): the fidelity fixes (issue 13 items 21–23)."""
from __future__ import annotations

import numpy as np

import sim
from sim.codes import State
from tests.instrument_bench import Bench, header, person
from tests.test_instruments import instrument


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


# Jiangsu's minimum wage by effective month (the Changzhou profile): tier I 2,280 from 2021-08 (苏人社发〔2021〕72号,
# DN A41), 2,490 from 2025-01 (assumption: recalled, no source found); 溧阳 (tier II) 2,070 → 2,260.
# Bench month 12 is 2025-01 (the bench starts in 2024-01).
CORE, LIYANG = 0, 4


def test_public_post_subsidy_follows_the_minimum_wage_from_2025_01(tmp_path):
    """001 二(二)2 L53 「加大公益性岗位开发安置力度,优先做好退捕渔民、残疾人等困难群体就业保障工作」 with the national
    amount (DN A36): the post subsidy is 100 % of the minimum wage in force: 2,280.00 in 2024-12 and 2,490.00
    from 2025-01 in the core districts, 2,070.00 → 2,260.00 in 溧阳. The employer SI at the floor base does not
    move: 0.6 × 97,000 / 12 = 4,850 × (0.16 + 0.08 + 0.005 + 0.004) = 1,207.65."""
    bench = Bench(tmp_path, instrument("PW-06", "public_job", "employer", "post_subsidy_share = 1.0"),
                  head=header("changzhou", "2024-01", 24))
    paid = {}
    for district in (CORE, LIYANG):
        for t in (11, 12):
            P = person(State.PUBLIC_JOB, district=district, placements=1)
            paid[district, t] = bench.pay(P, t)
    si = ("PW-06", "public_job_si")
    assert paid[CORE, 11] == {("PW-06", "main"): 2280.00, si: 1207.65}
    assert paid[CORE, 12] == {("PW-06", "main"): 2490.00, si: 1207.65}
    assert paid[LIYANG, 11] == {("PW-06", "main"): 2070.00, si: 1207.65}
    assert paid[LIYANG, 12] == {("PW-06", "main"): 2260.00, si: 1207.65}


def test_internship_and_ui_benefit_follow_the_minimum_wage_from_2025_01(tmp_path):
    """001 二(二)1 L51 「扩大就业见习覆盖范围」 at the national 60 % of the minimum wage (DN A35): 0.6 × 2,280 =
    1,368.00 an intern-month until 2024-12, 0.6 × 2,490 = 1,494.00 from 2025-01; an internship of 2024-11 …
    2025-02 costs 2 × 1,368 + 2 × 1,494 = 5,724.00. 001 二(二)2 L53 「落实失业保险保障扩围政策」 with the benefit
    at 90 % of the minimum wage (DN A16): 2,052.00 → 2,241.00 (core), 1,863.00 → 2,034.00 (溧阳)."""
    body = (instrument("IN-changzhou", "internship_subsidy", "host", "allowance_share = 0.6\nhigh_retention_share = 0.6")
            + instrument("UI-12", "ui_benefit", "person", "ratio = 0.9"))
    bench = Bench(tmp_path, body, head=header("changzhou", "2024-01", 24))
    intern = person(State.INTERN, district=CORE)
    assert bench.months(intern, 10, 13) == {("IN-changzhou", "main"): 5724.00}
    m = bench.M[0]
    benefit = {}
    for t in (11, 12):
        bench.ui.fill_month(m, t)
        benefit[t] = (m["benefit_fen"][CORE] / 100, m["benefit_fen"][LIYANG] / 100)
    assert benefit == {11: (2052.00, 1863.00), 12: (2241.00, 2034.00)}
