"""Schema of a locality's calibration targets (`calibration/<locality>/targets.toml`).

Each target is a table ``[targets.<name>]``: which moment of a run it is (`metric`, `at`, optionally
`year` and `district`), the number it should reach (`value`, `relation`, `tolerance`), how much it
counts in the calibration objective (`weight`, `calibrate`), and where the number comes from
(`source`: a policy text, a statistic, or ``assumption: …``). `sim.targets.load_targets` reads it with
the same walker and error style as every other input file.
"""
from __future__ import annotations

from sim.moments import MOMENT_NAMES
from sim.schema import Field

F = Field

AT_CHOICES = ("year_end", "august_end", "mean")
RELATIONS = ("at_least", "at_most", "about")


def _band_is_sensible(values: dict) -> list:
    """A share cannot be targeted above 1, and an `about` target needs a positive band."""
    problems = []
    metric, value = values.get("metric"), values.get("value")
    if metric in SHARE_MOMENTS and isinstance(value, (int, float)) and not 0 <= value <= 1:
        problems.append(("value", value, f"{metric} is a share: the value must be between 0 and 1"))
    if values.get("relation") == "about" and values.get("tolerance") == 0:
        problems.append(("tolerance", 0, "an 'about' target needs a tolerance above 0 (its acceptance band)"))
    return problems


SHARE_MOMENTS = frozenset({"surveyed_unemployment_rate", "graduate_destination_rate",
                           "graduate_employment_rate"})

TARGET_SCHEMA = {
    "__checks__": (_band_is_sensible,),
    "metric": F("enum", choices=MOMENT_NAMES,
                description="a metric of sim/outcomes.py METRICS or a derived moment of sim/moments.py"),
    "at": F("enum", choices=AT_CHOICES,
            description="which month(s) of the series: December (year_end), August (august_end) or the "
                        "monthly mean, over the run's complete calendar years unless `year` is given"),
    "year": F("int", min=1990, max=2100, default=None,
              description="read this calendar year only (default: every complete year of the run, averaged)"),
    "value": F("float", min=0, description="the target number, in the metric's unit"),
    "relation": F("enum", choices=RELATIONS, description="at_least | at_most | about"),
    "tolerance": F("float", min=0, max=1, description="relative half-width of the acceptance band"),
    "weight": F("float", min=0, max=1000, default=1.0, description="weight in the calibration objective"),
    "headline": F("bool", default=False, description="shown in the report's KPI section"),
    "calibrate": F("bool", default=True,
                   description="a moment of the calibration objective (false: validation only)"),
    "name_zh": F("str", min=1, description="Chinese name for reports"),
    "definition": F("str", min=1, description="what the number counts and how the model's moment matches it"),
    "source": F("str", min=1, description="where the number comes from: a quoted policy text, a statistic, "
                                          "DN …, or 'assumption: …'"),
    "district": F("str", min=1, default=None,
                  description="a district code of the locality's profile (per-district targets)"),
}
