"""A budget band for next year: P5 / P50 / P95 of each fund's cost over Monte Carlo replications.

Replications differ in their random draws (who separates, who finds a job, …) and, where the behaviour
file gives a parameter a ``distribution``, in that parameter too (docs/sensitivity.md). The same with the
command line: ``subsim run scenarios/liupanshui-2023.toml --reps 20 --executor processes``.

    python examples/budget_band.py [reps] [persons]
"""
import sys
from pathlib import Path

import sim

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "liupanshui-2023.toml"

if __name__ == "__main__":
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    persons = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    out = Path("results") / "budget-band-liupanshui"
    res = sim.run(SCENARIO, persons=persons, reps=reps, executor="processes", store=out / "tasks")
    res.save(out)
    year = res.budget["year"].min()                   # the first budget year of the scenario
    costs = res.costs.assign(year=res.costs["month"].str.slice(0, 4))
    per_rep = costs[costs["year"] == str(year)].groupby(["funding", "rep"])["amount_yuan"].sum() / 1e4
    band = per_rep.groupby("funding").quantile([0.05, 0.5, 0.95]).unstack().round(1)
    band.columns = ["P5 万元", "P50 万元", "P95 万元"]
    print(f"{year}: cost by fund over {reps} replications\n{band.to_string()}")
    print(res.budget[res.budget["year"] == year][["instrument", "name_zh", "line", "funding", "p5", "p50", "p95"]]
          .to_string(index=False))
