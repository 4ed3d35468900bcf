"""Sobol study: which of these ranges drives the total cost of the Liupanshui 2023 package?

Adapt PARAMS (any numeric scenario key, or a behaviour/profile key with the ``behaviour.``/``profile.``
prefix) and METRICS (see docs/sensitivity.md). Sobol needs N·(k+2) runs of the model per replication
(here 64 × 6 = 384 runs): use a cluster (``executor="dask", scheduler="tcp://host:8786"``) or few persons
while exploring. The folder's ``tasks/`` keeps every finished run, so an interrupted study resumes.

    python examples/sobol_total_cost.py [persons]
"""
import sys
from pathlib import Path

import sim
from sim.report.build import write_reports

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "liupanshui-2023.toml"
PARAMS = [
    "instruments.SR-05.share.sme=0.3:0.9",                       # 稳岗返还 share returned to SMEs
    "instruments.HS-08.amount=500:1500",                          # 吸纳就业补贴 per hire (yuan)
    "instruments.SU-03.amount=5000:15000",                        # 一次性创业补贴 (yuan)
    "behaviour.responses.hiring_subsidy_elasticity=0.15:1.2",     # labour-demand response to hiring subsidies
]
METRICS = ["cost.total", "cost.fund.ui_fund", "cost.fund.employment_fund", "jobs.new_urban"]

if __name__ == "__main__":                 # needed: the worker processes import this file
    persons = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    out = Path("results") / "sobol-liupanshui"
    result = sim.sensitivity(SCENARIO, PARAMS, method="sobol", n=64, metrics=METRICS, persons=persons, months=12,
                             executor="processes", store=out / "tasks")
    result.save(out)
    write_reports(result, out, lang="zh")
    print(result.indices[result.indices["metric"] == "cost.total"].to_string(index=False))
    print(f"written to {out}/ (indices.csv, report.html, workbook.xlsx)")
