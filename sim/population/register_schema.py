"""Columns of a person register and a firms file: their Chinese and English names, codes and rules.

One table per file (`PERSON_COLUMNS`, `FIRM_COLUMNS`), read by `sim.population.register` to map
headers, check every cell and document the format (`docs/register.md` lists the same columns).
Codes are accepted as the Chinese labels bureaus use or as the English code names of `sim.codes`
(case-insensitive); the first Chinese label of each code is the one shown in messages.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from sim.codes import Disability, Education, Hukou, Sex, SizeClass, State, WorkLocation
from sim.params.profile_schema import SECTOR_KEYS, SKILL_KEYS

# code value, English name, Chinese labels (the first one is shown in messages)
SEX = ((Sex.MALE, "male", ("男", "男性")), (Sex.FEMALE, "female", ("女", "女性")))
EDUCATION = (
    (Education.PRIMARY_OR_LESS, "primary_or_less", ("小学及以下", "小学", "文盲", "文盲或半文盲", "未上过学")),
    (Education.JUNIOR_HIGH, "junior_high", ("初中", "初级中学")),
    (Education.SENIOR_HIGH, "senior_high", ("高中", "普通高中")),
    (Education.SECONDARY_VOCATIONAL, "secondary_vocational",
     ("中专", "中职", "中等职业教育", "中等专科", "职高", "技校", "技工学校")),
    (Education.COLLEGE, "college", ("大专", "大学专科", "专科", "高职", "高职高专")),
    (Education.BACHELOR_PLUS, "bachelor_plus",
     ("本科及以上", "本科", "大学本科", "研究生", "硕士", "硕士研究生", "博士", "博士研究生")),
)
HUKOU = (
    (Hukou.LOCAL_URBAN, "local_urban", ("本地城镇", "本市城镇", "本地非农业", "本地非农")),
    (Hukou.LOCAL_RURAL, "local_rural", ("本地农村", "本市农村", "本地农业")),
    (Hukou.MIGRANT, "migrant", ("外地", "外地户籍", "市外", "外省", "外来人员")),
)
# STUDENT and RETIRED are not states a register person can start in (see REJECTED_STATES)
STATE = (
    (State.EMPLOYED, "employed", ("就业", "已就业", "单位就业", "在职")),
    (State.UNEMPLOYED, "unemployed", ("失业", "失业人员")),
    (State.TRAINING, "training", ("培训", "参加培训", "在训")),
    (State.INTERN, "intern", ("见习", "就业见习")),
    (State.SELF_EMPLOYED, "self_employed", ("自主创业", "创业", "个体经营", "个体工商户")),
    (State.FLEXIBLE, "flexible", ("灵活就业",)),
    (State.PUBLIC_JOB, "public_job", ("公益性岗位", "公益岗")),
    # farm work is inactivity in this model (docs/decisions.md D8)
    (State.INACTIVE, "inactive", ("非劳动力", "不在劳动力", "料理家务", "务农")),
)
REJECTED_STATES = {"student": "在校学生", "在校": "在校学生", "在校学生": "在校学生", "学生": "在校学生",
                   "retired": "退休", "退休": "退休", "已退休": "退休"}
DISABILITY = (
    (Disability.NONE, "none", ("无", "否", "非残疾")),
    (Disability.DISABLED, "disabled", ("残疾", "是", "有", "三级", "四级", "三级残疾", "四级残疾")),
    (Disability.SEVERE, "severe", ("重度残疾", "一级", "二级", "一级残疾", "二级残疾", "重度")),
)
# 职业技能等级: 五级/初级工 basic, 四级/中级工 intermediate, 三级/高级工 and above (技师, 高级技师) advanced
SKILL = (
    (0, SKILL_KEYS[0], ("无", "无等级")),
    (1, SKILL_KEYS[1], ("初级", "初级工", "五级")),
    (2, SKILL_KEYS[2], ("中级", "中级工", "四级")),
    (3, SKILL_KEYS[3], ("高级", "高级工", "三级", "技师", "二级", "高级技师", "一级")),
)
WORK_LOCATION = (
    (WorkLocation.LOCAL, "local", ("本地", "本县", "县内")),
    (WorkLocation.CROSS_COUNTY, "cross_county", ("县外省内", "省内县外", "省内跨县")),
    (WorkLocation.CROSS_PROVINCE, "cross_province", ("省外", "跨省")),
)
BOOL = ((0, "no", ("否", "无", "0", "false", "n", "f")), (1, "yes", ("是", "有", "1", "true", "y", "t")))
SIZE = ((SizeClass.MICRO, "micro", ("微型", "微型企业")), (SizeClass.SMALL, "small", ("小型", "小型企业")),
        (SizeClass.MEDIUM, "medium", ("中型", "中型企业")), (SizeClass.LARGE, "large", ("大型", "大型企业")))
SECTOR = tuple((k, name, labels) for k, (name, labels) in enumerate(zip(SECTOR_KEYS, (
    ("农业", "农林牧渔业"), ("采矿能源", "采矿业", "能源", "电力热力燃气"), ("制造业", "制造"),
    ("建筑业", "建筑"), ("批发零售住宿餐饮", "商贸餐饮", "批发零售", "住宿餐饮"), ("其他服务业", "服务业"),
    ("公共服务", "公共管理", "教育卫生"))))) 


@dataclass(frozen=True)
class Column:
    """One field of a register file.

    Parameters
    ----------
    name : str
        The field (also its English header).
    zh : tuple of str
        Chinese headers accepted, in order of preference when a file has several.
    kind : str
        ``code`` (one of `codes`), ``bool``, ``int``, ``number``, ``month`` (YYYY-MM) or ``id`` (any text).
    blank : str
        What an empty cell means: ``error`` (required), ``no`` (the absence of the attribute: 否, 无)
        or ``impute`` (drawn as for the synthetic population, like a missing column).
    codes : tuple
        (value, English name, Chinese labels) for ``code`` and ``bool`` columns.
    low, high : float
        Allowed range of ``int`` and ``number`` columns (inclusive).
    en : tuple of str
        Further English headers.
    """

    name: str
    zh: tuple[str, ...]
    kind: str
    blank: str = "impute"
    codes: tuple = ()
    low: float = 0
    high: float = 0
    en: tuple[str, ...] = ()
    lookup: dict = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        table = {}
        for value, english, labels in self.codes:
            for label in (english, *labels):
                table[normalise(label)] = int(value)
        object.__setattr__(self, "lookup", table)

    @property
    def headers(self) -> tuple[str, ...]:
        return (*self.zh, self.name, *self.en)

    def allowed(self) -> str:
        """What a cell may hold, for messages and docs."""
        if self.kind == "code" or self.kind == "bool":
            return "one of " + ", ".join(f"{labels[0]} ({english})" for _, english, labels in self.codes)
        if self.kind == "int":
            return f"a whole number from {_number(self.low)} to {_number(self.high)}"
        if self.kind == "number":
            return f"a number from {_number(self.low)} to {_number(self.high)}"
        if self.kind == "month":
            return "a month such as 2019-07 (also 2019-07-01, 2019/07, 201907, 2019年7月)"
        return "any text"


def _number(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def normalise(text: str) -> str:
    """Fold full-width characters (NFKC), case and blanks, so 失业时长（月） and 失业时长(月) agree."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _bool(name: str, *zh: str) -> Column:
    return Column(name, zh, "bool", blank="no", codes=BOOL)


PERSON_COLUMNS: tuple[Column, ...] = (
    Column("birth_month", ("出生年月", "出生日期"), "month", blank="error", en=("birth_date", "date_of_birth")),
    Column("age", ("年龄", "年龄(岁)"), "int", blank="error", low=16, high=70, en=("age_years",)),
    Column("sex", ("性别",), "code", blank="error", codes=SEX, en=("gender",)),
    Column("education", ("学历", "文化程度"), "code", blank="error", codes=EDUCATION),
    Column("hukou", ("户籍", "户籍类型", "户口性质"), "code", blank="error", codes=HUKOU),
    Column("district", ("区县", "所属区县", "县区", "街道"), "code", blank="error"),   # codes from the profile
    Column("state", ("就业状态", "人员状态", "就业失业状态"), "code", blank="error", codes=STATE,
           en=("status",)),
    _bool("registered", "是否登记失业", "登记失业"),
    Column("unemployment_months", ("失业时长(月)", "失业月数", "失业时长"), "int", low=0, high=600),
    _bool("ui_recipient", "是否领取失业保险金", "领取失业保险金"),
    Column("work_location", ("工作地点", "就业地区", "就业地点"), "code", codes=WORK_LOCATION),
    Column("wage", ("月工资", "月工资(元)", "工资", "月收入"), "number", low=0, high=1_000_000, en=("monthly_wage",)),
    Column("contrib_months", ("累计缴费月数", "缴费月数"), "int", low=0, high=720),
    Column("ui_contrib_months", ("失业保险缴费月数",), "int", low=0, high=720),
    Column("school_leave_month", ("毕业年月", "毕业时间"), "month", en=("graduation_month",)),
    Column("disability", ("残疾等级", "残疾"), "code", blank="no", codes=DISABILITY),
    Column("skill", ("技能等级", "职业技能等级"), "code", blank="no", codes=SKILL),
    _bool("dibao", "低保", "低保家庭", "是否低保"),
    _bool("zero_employment_family", "零就业家庭"),
    _bool("poverty_alleviated", "脱贫人口", "脱贫户"),
    _bool("relocated", "易地搬迁", "搬迁人口"),
    _bool("rural_low_income", "农村低收入人口", "低收入人口"),
    _bool("returnee", "返乡人员", "返乡"),
    _bool("veteran", "退役军人"),
    _bool("difficulty", "就业困难人员", "是否就业困难人员"),
    Column("firm_id", ("单位编号", "用人单位编号", "单位代码"), "id", en=("employer_id",)),
    # assumption: a row stands for at most a million persons (a whole prefecture in 2 rows); 1e9 is a mistake
    Column("weight", ("权重",), "number", blank="error", low=0.001, high=1_000_000),
)

# Personal identifiers: recognised so they are never read, checked, echoed or kept.
IDENTIFIER_HEADERS = frozenset(normalise(h) for h in (
    "身份证号", "身份证号码", "公民身份号码", "证件号码", "证件号", "身份证", "姓名", "名字", "手机号", "手机号码",
    "联系电话", "电话", "电话号码", "社会保障号码", "社会保障卡号", "社保卡号", "家庭住址", "住址", "联系地址",
    "户籍地址", "居住地址", "电子邮箱", "邮箱", "联系人", "紧急联系人", "id_number", "id_card", "idcard", "identity_number", "name",
    "full_name", "phone", "mobile", "telephone", "address", "email", "ssn", "social_security_number"))

FIRM_COLUMNS: tuple[Column, ...] = (
    Column("firm_id", ("单位编号", "用人单位编号", "单位代码"), "id", blank="error", en=("employer_id",)),
    Column("district", ("区县", "所属区县", "县区", "街道"), "code", blank="error"),
    Column("size_class", ("企业规模", "规模"), "code", codes=SIZE, en=("size",)),
    Column("sector", ("行业", "所属行业"), "code", codes=SECTOR),
    Column("wage_level", ("平均工资", "月平均工资", "工资水平"), "number", low=0, high=1_000_000,
           en=("median_wage",)),
    Column("founded_month", ("成立年月", "成立日期"), "month", en=("founded",)),
)
FIRM_IDENTIFIER_HEADERS = frozenset(normalise(h) for h in (
    "单位名称", "企业名称", "法定代表人", "联系人", "联系电话", "电话", "地址", "firm_name", "name", "phone",
    "address", "contact"))

REQUIRED_PERSON = ("sex", "education", "hukou", "district", "state")     # and birth_month or age
