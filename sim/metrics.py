"""The metric catalogue: every outcome metric the model reports, declared once.

Each `Metric` has its name, Chinese and English label, unit, **year rule** (how a calendar year's value
is formed from the monthly series) and formula. Everything else is derived from this table: the
monthly series of ``outcomes.csv`` (`sim.outcomes`), the derived moments calibration targets read
(`sim.moments`) and the choices of a targets file (`sim.targets_schema`), the indicators a comparison
reports (`COMPARED`, `sim.compare`), the report's headline table and cards (`HEADLINE`, `KPI`), and the
scalar metrics of sensitivity analyses and sweeps (`summarise`, `value`; names checked by
`sim.sensitivity.check_metrics`).
``docs/outcomes.md`` lists the catalogue (`catalogue_markdown`; a test keeps the two equal).

Families:

``outcome``  a monthly series of ``outcomes.csv``, computed by `sim.outcomes.outcome_values` from the
             engine's counters (persons and firms weighted to the real population; shares not weighted)
``moment``   a monthly series derived from a run's tables for calibration targets (`sim.moments`);
             December holds the calendar year's figure
``cost``     payments of the costs table (yuan); cash and revenue forgone are never added together
``fund``     the UI fund's month-end state (``funds.csv``)
``run``      scalars of a whole run (or one year) that only sensitivity analyses and sweeps read

Scalar metrics of sensitivity analyses and sweeps (money in yuan, persons as population estimates),
each for the whole run or, with ``@YEAR``, for one calendar year of the run (``cost.total@2025``):

``cost.total``, ``cost.forgone``        cash spending; revenue forgone (减免, never in cost.total)
``cost.<fund>``                         payments charged to one fund (``cost.employment_fund``);
                                        ``cost.fund.<fund>`` is the older spelling of the same
``cost.instrument.<ID>``                payments of one instrument (``cost.instrument.SR-05``)
``outcome.<metric>``                    an outcome metric by its year rule (``outcome.new_urban_jobs@2025``);
                                        for the whole run the rule is applied to all the run's months
``jobs.new_urban``                      城镇新增就业: each year's 年累计 at the year's last month, summed
``unemployment_rate``                   城镇调查失业率 in the last month (of the year)
``ui_fund.cover_months``                备付月数 in the last month (of the year; NaN for a pooled fund)
``cost_per_additional_job``             cost of the varied instruments ÷ additional persons in work at the
                                        end (of the year), where additional = in work (formal,
                                        self-employed, flexible, public posts) minus in work in the same
                                        run with the varied instruments switched off (same parameters,
                                        population and random numbers); with no instrument parameter
                                        varied, every instrument but the UI benefit is switched off.
                                        NaN when the additional jobs are not positive.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.ledger import is_cash

# ---- year rules ------------------------------------------------------------------------------------------

LAST = "last"
SUM = "sum"
MEAN = "mean"
AUGUST = "august"
YEAR_RULES = {
    LAST: "the value in the year's last simulated month (December in a complete year): stocks, rates and "
          "running totals from January",
    SUM: "the sum of the year's months: flows",
    MEAN: "the mean of the year's months",
    AUGUST: "the August value (the graduates' destination date); none in a year without August",
}
YEAR_RULES_ZH = {LAST: "年末值", SUM: "全年合计", MEAN: "月均值", AUGUST: "8月末值"}

FAMILIES = ("outcome", "moment", "cost", "fund", "run")


@dataclass(frozen=True)
class Metric:
    """One metric of the catalogue (see the module docstring for the families).

    `running_of` names the flow a ``*_ytd`` series sums from January; `by_district` marks the moments
    that have a per-district value; `column` is the ``funds.csv`` column of a fund metric."""

    name: str
    name_zh: str
    name_en: str
    unit: str
    year_rule: str
    formula: str
    family: str = "outcome"
    running_of: str | None = None
    by_district: bool = False
    column: str | None = None

    @property
    def is_share(self) -> bool:
        return self.unit == "share"


def _ytd(flow: str, name_zh: str, name_en: str) -> Metric:
    return Metric(flow + "_ytd", name_zh, name_en, "persons", LAST, f"{flow} summed from January", running_of=flow)


def _moment(name: str, name_zh: str, name_en: str, unit: str, formula: str, by_district: bool = False) -> Metric:
    return Metric(name, name_zh, name_en, unit, LAST, formula, family="moment", by_district=by_district)


CATALOGUE = (
    # outcomes.csv: stocks at the end of the month, flows during the month (docs/outcomes.md)
    Metric("working_age_population", "劳动年龄人口", "Working-age population", "persons", LAST,
           "persons aged 16 to statutory retirement, out of school"),
    Metric("labour_force", "劳动力", "Labour force", "persons", LAST,
           "employed (all kinds, incl. interns and away) + unemployed"),
    Metric("employed_formal", "单位就业(参保)", "Employed in insured jobs", "persons", LAST,
           "state EMPLOYED: insured job at a local firm or away"),
    Metric("employed_away", "外出务工(参保)", "Working away (insured)", "persons", LAST,
           "EMPLOYED with no local employer (outside the city)"),
    Metric("self_employed", "自主创业/个体", "Self-employed", "persons", LAST, "state SELF_EMPLOYED"),
    Metric("flexible", "灵活就业", "Flexible employment", "persons", LAST, "state FLEXIBLE"),
    Metric("public_job", "公益性岗位", "Public-welfare posts", "persons", LAST, "state PUBLIC_JOB"),
    Metric("intern", "就业见习", "Interns", "persons", LAST, "state INTERN"),
    Metric("training", "参加培训", "In full-time training", "persons", LAST,
           "state TRAINING (out of the labour force while in full-time training)"),
    Metric("unemployed", "失业人员(调查口径)", "Unemployed (survey definition)", "persons", LAST,
           "state UNEMPLOYED, registered or not"),
    Metric("inactive", "非劳动力", "Not in the labour force", "persons", LAST,
           "state INACTIVE (incl. farm work, further study, care)"),
    Metric("retired", "已退休", "Retired", "persons", LAST, "reached statutory retirement age during the run"),
    Metric("surveyed_unemployment_rate", "城镇调查失业率", "Surveyed urban unemployment rate", "share", LAST,
           "unemployed ÷ labour force (all modelled residents)"),
    Metric("registered_unemployed", "登记失业人数", "Registered unemployed", "persons", LAST,
           "UNEMPLOYED with the registered flag"),
    Metric("new_jobs_gross", "新就业人数(模型全部)", "Entries into work (all, model)", "persons/month", SUM,
           "all entries from non-employment into a local job, own business, flexible work or a public post, "
           "recorded or not"),
    _ytd("new_jobs_gross", "新就业人数(模型全部,年累计)", "Entries into work (all, model), year to date"),
    Metric("new_jobs_recorded", "城镇新就业人数(实名登记)", "New jobs recorded (real-name registration)",
           "persons/month", SUM,
           "new_jobs_gross × statistics.recorded_share_new_jobs: the entries the real-name registration records"),
    Metric("natural_attrition", "自然减员人数", "Natural attrition", "persons/month", SUM,
           "persons in local employment reaching retirement"),
    Metric("new_urban_jobs", "城镇新增就业", "New urban jobs", "persons/month", SUM,
           "new_jobs_recorded − natural_attrition"),
    _ytd("new_urban_jobs", "城镇新增就业(年累计)", "New urban jobs, year to date"),
    Metric("reemployed_unemployed", "失业人员再就业", "Unemployed persons re-employed", "persons/month", SUM,
           "registered unemployed entering any employment"),
    _ytd("reemployed_unemployed", "失业人员再就业(年累计)", "Unemployed persons re-employed, year to date"),
    Metric("difficulty_employed", "就业困难人员实现就业", "Persons with employment difficulties placed",
           "persons/month", SUM, "就业困难人员 entering any employment"),
    _ytd("difficulty_employed", "就业困难人员实现就业(年累计)",
         "Persons with employment difficulties placed, year to date"),
    Metric("ui_recipients", "领取失业保险金人数", "UI benefit recipients", "persons", MEAN,
           "persons paid 失业保险金 in the month"),
    Metric("ui_aid_recipients", "领取失业补助金人数", "Unemployment aid recipients", "persons", MEAN,
           "persons paid 失业补助金 in the month"),
    Metric("ui_claims_new", "新增领取失业保险金人数", "New UI benefit claims", "persons/month", SUM,
           "claims started in the month"),
    Metric("graduates_entering", "离校进入劳动力市场人数", "School leavers entering the labour market",
           "persons/month", SUM, "school leavers of the month (all levels)"),
    Metric("graduate_destination_rate", "高校毕业生去向落实率", "Graduate destination rate", "share", AUGUST,
           "of this calendar year's higher-education leavers: employed, interning or in further study"),
    Metric("graduate_employment_rate", "高校毕业生就业率", "Graduate employment rate", "share", LAST,
           "of this year's higher-education leavers: employed"),
    Metric("business_starts", "新创业人数", "Business starts", "persons/month", SUM, "entries into self-employment"),
    Metric("business_closures", "创业失败/关闭", "Business closures", "persons/month", SUM, "businesses closed"),
    Metric("separations_involuntary", "非自愿离职", "Involuntary separations", "persons/month", SUM,
           "layoffs, contract ends, firm exits"),
    Metric("separations_other", "自愿离职", "Voluntary separations", "persons/month", SUM, "quits"),
    Metric("retirements", "退休人数", "Retirements", "persons/month", SUM, "persons reaching statutory retirement age"),
    Metric("firms_alive", "参保企业数", "Insured employers", "firms", LAST, "live insured employers"),
    Metric("firm_births", "新设企业", "Firm births", "firms/month", SUM, "firms created in free slots"),
    Metric("firm_exits", "注销企业", "Firm exits", "firms/month", SUM, "firms closed (employees laid off)"),
    Metric("vacancies", "岗位空缺", "Vacancies posted", "posts", SUM, "vacancies posted in the month"),
    Metric("insured_employees", "参保职工人数", "Insured employees", "persons", LAST,
           "month-end insured employees of local firms"),
    # derived moments for calibration targets (sim.moments computes them; formulas in its docstring)
    _moment("ui_months_per_recipient", "人均领取失业保险金月数", "UI benefit months per recipient", "months",
            "Σ monthly ui_recipients since January ÷ persons paid since January (January's ui_recipients + "
            "the later months' ui_claims_new)"),
    _moment("training_person_times_ytd", "补贴性职业技能培训人次(年累计)", "Subsidised training person-times, year to date",
            "person-times", "main-line payments of training_subsidy and skill_upgrade_subsidy since January",
            by_district=True),
    _moment("onjob_training_person_times_ytd", "在职职工技能培训人次(年累计)",
            "On-the-job training person-times, year to date", "person-times",
            "main-line payments of skill_upgrade_subsidy since January", by_district=True),
    _moment("guaranteed_loans_issued_yuan_ytd", "创业担保贷款发放额(年累计)", "Guaranteed loans issued, year to date",
            "yuan", "loans issued since January × limit × (1 + min_share_of_limit) ÷ 2 (needs the engine records)"),
    _moment("reemployed_per_new_urban_job", "失业人员再就业 ÷ 城镇新增就业", "Re-employed unemployed per new urban job",
            "ratio", "reemployed_unemployed ÷ new_urban_jobs, both summed since January"),
    _moment("difficulty_per_new_urban_job", "就业困难人员实现就业 ÷ 城镇新增就业",
            "Persons with difficulties placed per new urban job", "ratio",
            "difficulty_employed ÷ new_urban_jobs, both summed since January"),
    _moment("ui_benefit_months_per_claim", "每笔失业保险金申领的领取月数", "UI benefit months per claim", "months",
            "Σ ui_recipients ÷ Σ ui_claims_new since January"),
    _moment("ui_recipients_per_contributor", "领取失业保险金人数 ÷ 参保职工人数", "UI recipients per contributor", "ratio",
            "persons paid 失业保险金 since January ÷ mean insured_employees since January"),
    _moment("active_spending_per_resident_ytd", "人均积极就业政策支出(年累计)",
            "Active programme spending per resident, year to date", "yuan/resident",
            "cash paid by active programmes since January ÷ profile population.residents"),
    _moment("refunds_per_ui_contributor_ytd", "每参保职工稳岗返还(年累计)", "Job-retention refunds per UI contributor, year to date",
            "yuan/contributor", "稳岗返还 paid since January ÷ mean insured_employees since January"),
    # costs (costs.csv, yuan)
    Metric("cost.total", "现金支出合计", "Cash spending", "yuan", SUM,
           "every payment of every instrument charged to a cash fund", family="cost"),
    Metric("cost.forgone", "收入减少合计", "Revenue forgone", "yuan", SUM,
           "tax_forgone + si_forgone (减免): never added to cash spending", family="cost"),
    Metric("cost.<fund>", "某资金渠道支出", "Payments of one fund", "yuan", SUM,
           "payments charged to the fund (cost.employment_fund)", family="cost"),
    Metric("cost.instrument.<ID>", "某政策项目支出", "Payments of one instrument", "yuan", SUM,
           "payments of the instrument (cost.instrument.SR-05)", family="cost"),
    # the UI fund (funds.csv)
    Metric("ui_fund.balance", "失业保险基金结余", "UI fund balance", "yuan", LAST,
           "month-end balance (none for a fund pooled above the area)", family="fund", column="balance"),
    Metric("ui_fund.cover_months", "失业保险基金备付月数", "UI fund months of cover", "months", LAST,
           "balance ÷ the month's outlays (NaN for a fund pooled above the area)", family="fund",
           column="months_of_cover"),
    # scalars of sensitivity analyses and sweeps
    Metric("jobs.new_urban", "城镇新增就业", "New urban jobs", "persons", SUM,
           "each calendar year's new_urban_jobs_ytd at its last month, summed over the years read", family="run"),
    Metric("unemployment_rate", "期末城镇调查失业率", "Surveyed unemployment rate at the end", "share", LAST,
           "surveyed_unemployment_rate in the last month read", family="run"),
    Metric("cost_per_additional_job", "每新增就业成本", "Cost per additional job", "yuan/person", LAST,
           "cost of the switched-off instruments ÷ (in work at the end − in work with them switched off)",
           family="run"),
)
BY_NAME = {m.name: m for m in CATALOGUE}
YEAR_RULE = {m.name: m.year_rule for m in CATALOGUE}
SHARES = frozenset(m.name for m in CATALOGUE if m.is_share)        # fractions: never weighted, shown in %
OUTCOMES = tuple(m for m in CATALOGUE if m.family == "outcome")
MOMENTS = tuple(m for m in CATALOGUE if m.family == "moment")
FUND_METRICS = tuple(m for m in CATALOGUE if m.family == "fund")
# What a calibration target may name: the outcome series and the derived moments.
TARGET_METRICS = tuple(m.name for m in OUTCOMES + MOMENTS)

# Selections (names only; labels, units and year rules are the catalogue's).
COMPARED = ("new_urban_jobs_ytd", "reemployed_unemployed_ytd", "difficulty_employed_ytd", "surveyed_unemployment_rate",
            "registered_unemployed", "unemployed", "employed_formal", "self_employed", "flexible", "public_job",
            "business_starts", "business_closures", "ui_claims_new", "ui_recipients", "graduate_destination_rate",
            "graduate_employment_rate")
HEADLINE = ("new_urban_jobs_ytd", "reemployed_unemployed_ytd", "difficulty_employed_ytd", "surveyed_unemployment_rate",
            "registered_unemployed", "ui_recipients", "business_starts", "graduate_destination_rate",
            "graduate_employment_rate")
KPI = ("new_urban_jobs_ytd", "surveyed_unemployment_rate", "reemployed_unemployed_ytd", "difficulty_employed_ytd")
IN_WORK = ("employed_formal", "self_employed", "flexible", "public_job")


def label(name: str, lang: str = "zh") -> str:
    """The label of a metric in the report's language: the catalogue's for a catalogue name, else the
    name itself (an instrument ID, a sensitivity metric with a fund or year)."""
    metric = BY_NAME.get(name)
    if metric is None:
        return name
    return metric.name_zh if lang == "zh" else metric.name_en


def year_value(months: pd.Series, values: pd.Series, rule: str) -> float:
    """A period's value from its monthly values by a year rule (`months`: labels ``YYYY-MM``, sorted)."""
    if rule == LAST:
        return float(values.iloc[-1])
    if rule == SUM:
        return float(values.sum())
    if rule == MEAN:
        return float(values.mean())
    august = values[months.str.endswith("-08").to_numpy()]
    return float(august.iloc[-1]) if len(august) else math.nan


def by_year(frame: pd.DataFrame, key: str, rules: dict[str, str] = YEAR_RULE) -> pd.DataFrame:
    """Each calendar year's value of every metric in a long table (``rep, month, <key>, value``) by its
    year rule (`rules`: the catalogue's, or a table's own keys): ``rep, year, <key>, value`` (NaN for
    August in a year without August)."""
    frame = frame.assign(year=frame["month"].str.slice(0, 4))
    rows = []
    for (rep, year, name), group in frame.groupby(["rep", "year", key], sort=True):
        group = group.sort_values("month")
        rows.append((rep, year, name, year_value(group["month"], group["value"], rules[name])))
    return pd.DataFrame(rows, columns=["rep", "year", key, "value"])


# ---- scalar metrics of sensitivity analyses and sweeps ---------------------------------------------------

RUN_METRICS = ("cost.total", "cost.forgone", "jobs.new_urban", "unemployment_rate", "ui_fund.cover_months",
               "cost_per_additional_job")
PATTERNS = ("cost.<fund>", "cost.instrument.<ID>", "outcome.<metric>")
ALL = "all"                     # the summary's key of the whole run


def split_year(name: str) -> tuple[str, str]:
    """``cost.total@2025`` → (``cost.total``, ``"2025"``); no ``@`` → (name, `ALL`)."""
    base, at, year = name.partition("@")
    return base, (year if at else ALL)


def in_work_end(outcomes: pd.DataFrame) -> float:
    """Persons in work (the four kinds) in the last month."""
    last = outcomes[outcomes["month"] == outcomes["month"].max()]
    return float(last[last["metric"].isin(IN_WORK)]["value"].sum())


def summarise(costs: pd.DataFrame, outcomes: pd.DataFrame, funds: pd.DataFrame) -> dict:
    """The summary of one run that every scalar metric is read from (plain floats, picklable and small):
    ``summary[period]`` for the whole run (`ALL`) and each calendar year (``"2025"``)."""
    summary = {ALL: _period(costs, outcomes, funds)}
    for year in sorted(outcomes["month"].str.slice(0, 4).unique()):
        summary[year] = _period(costs[costs["month"].str.startswith(year)],
                                outcomes[outcomes["month"].str.startswith(year)],
                                funds[funds["month"].str.startswith(year)])
    return summary


def _period(costs: pd.DataFrame, outcomes: pd.DataFrame, funds: pd.DataFrame) -> dict:
    by_instrument = costs.groupby("instrument")["amount_yuan"].sum()
    by_fund = costs.groupby("funding")["amount_yuan"].sum()
    o = outcomes.assign(year=outcomes["month"].str.slice(0, 4))
    ytd = o[o["metric"] == "new_urban_jobs_ytd"].sort_values("month").groupby("year")["value"].last()
    last = o[o["month"] == o["month"].max()].set_index("metric")["value"]
    ui = funds[funds["fund"] == "ui_fund"].sort_values("month")
    series = outcomes.sort_values("month", kind="stable").groupby("metric")
    return {"cost_by_instrument": {k: float(v) for k, v in by_instrument.items()},
            "cost_by_fund": {k: float(v) for k, v in by_fund.items()},
            "cost_total": float(costs.loc[is_cash(costs["funding"]), "amount_yuan"].sum()),
            "cost_forgone": float(costs.loc[~is_cash(costs["funding"]), "amount_yuan"].sum()),
            "new_urban_jobs": float(ytd.sum()),
            "unemployment_rate": float(last.get("surveyed_unemployment_rate", math.nan)),
            "ui_cover_months": float(ui["months_of_cover"].iloc[-1]) if len(ui) else math.nan,
            "in_work_end": in_work_end(outcomes),
            "outcome": {name: year_value(group["month"], group["value"], YEAR_RULE[name])
                        for name, group in series if name in YEAR_RULE}}


def value(summary: dict, name: str) -> float:
    """One scalar metric from a run's summary (`summary["counterfactual"]`: the summary of the run with
    the varied instruments off, present when ``cost_per_additional_job`` was asked for)."""
    base, year = split_year(name)
    period = summary[year]
    if base == "cost.total":
        return period["cost_total"]
    if base == "cost.forgone":
        return period["cost_forgone"]
    if base.startswith("cost.instrument."):
        return period["cost_by_instrument"].get(base[len("cost.instrument."):], 0.0)
    if base.startswith("cost."):
        fund = base[len("cost.fund."):] if base.startswith("cost.fund.") else base[len("cost."):]
        return period["cost_by_fund"].get(fund, 0.0)
    if base.startswith("outcome."):
        return period["outcome"].get(base[len("outcome."):], math.nan)
    if base == "jobs.new_urban":
        return period["new_urban_jobs"]
    if base == "unemployment_rate":
        return period["unemployment_rate"]
    if base == "ui_fund.cover_months":
        return period["ui_cover_months"]
    if base == "cost_per_additional_job":
        cf = summary["counterfactual"]
        cost = sum(period["cost_by_instrument"].get(i, 0.0) for i in cf["switched_off"])
        jobs = period["in_work_end"] - cf[year]["in_work_end"]
        return cost / jobs if jobs > 0 else math.nan
    raise KeyError(name)


# ---- the catalogue as documentation ----------------------------------------------------------------------

def catalogue_markdown() -> str:
    """The catalogue as the Markdown table of ``docs/outcomes.md`` (between its catalogue markers)."""
    lines = ["| metric | 中文名 | English | unit | year rule | family | formula |", "|---|---|---|---|---|---|---|"]
    for m in CATALOGUE:
        lines.append(f"| `{m.name}` | {m.name_zh} | {m.name_en} | {m.unit} | {m.year_rule} | {m.family} | "
                     f"{m.formula} |")
    return "\n".join(lines) + "\n"

