"""Write the example registers of tests/data (deterministic: run it again and the files do not change).

    python tests/data/make_registers.py

Every person is invented: names are drawn from a short list of common characters, identity numbers
are 18 characters that start with 990 (no real region code) and phone numbers start with 199000.
Files written (for the Liupanshui profile, judged at a run start of 2024-01):

- register_example.csv        500 persons, Chinese headers and labels, UTF-8 with BOM (as Excel saves it)
- register_example_en.parquet the same persons, English headers and English code names
- firms_example.csv           the employers of the local employees (单位编号 links them)
- register_bad.csv            40 persons with one or two mistakes each in 16 rows (see BAD_ROWS)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
N = 500
N_FIRMS = 40

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
DISTRICTS = ("钟山区", "六枝特区", "水城区", "盘州市")
DISTRICT_EN = ("zhongshan", "liuzhi", "shuicheng", "panzhou")
EDUCATION = (("小学及以下", "primary_or_less"), ("初中", "junior_high"), ("高中", "senior_high"),
             ("中专", "secondary_vocational"), ("大专", "college"), ("本科", "bachelor_plus"))
HUKOU = (("本地城镇", "local_urban"), ("本地农村", "local_rural"), ("外地", "migrant"))
STATES = (("就业", "employed"), ("失业", "unemployed"), ("培训", "training"), ("见习", "intern"),
          ("自主创业", "self_employed"), ("灵活就业", "flexible"), ("公益性岗位", "public_job"),
          ("非劳动力", "inactive"))
STATE_SHARES = (0.40, 0.08, 0.01, 0.01, 0.10, 0.12, 0.02, 0.26)
LOCATION = (("本地", "local"), ("县外省内", "cross_county"), ("省外", "cross_province"))
DISABILITY = (("", "none"), ("四级", "disabled"), ("二级", "severe"))
SKILL = (("", "none"), ("初级", "basic"), ("中级", "intermediate"), ("高级", "advanced"))
YES_NO = (("否", "no"), ("是", "yes"))

# Chinese header → English header, in file order; identifiers first, as exports put them
HEADERS = {"姓名": "name", "身份证号": "id_number", "手机号": "phone", "性别": "sex", "年龄": "age",
           "学历": "education", "户籍": "hukou", "区县": "district", "就业状态": "state",
           "是否登记失业": "registered", "失业时长(月)": "unemployment_months", "是否领取失业保险金": "ui_recipient",
           "工作地点": "work_location", "单位编号": "firm_id", "月工资": "wage", "累计缴费月数": "contrib_months",
           "残疾等级": "disability", "技能等级": "skill", "低保": "dibao", "脱贫人口": "poverty_alleviated",
           "退役军人": "veteran", "就业困难人员": "difficulty", "毕业年月": "school_leave_month"}


def fake_id(rng: np.random.Generator, age: int, female: bool) -> str:
    """18 characters shaped like an identity number, region 990xxx (not a real one), check digit X or 0–9."""
    birth_year = 2024 - age
    body = f"990{rng.integers(100, 999)}{birth_year}{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}"
    sequence = rng.integers(0, 500) * 2 + (0 if female else 1)
    return f"{body}{sequence:03d}{'0123456789X'[rng.integers(0, 11)]}"


def persons(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same persons with Chinese headers and labels, and with English headers and code names."""
    zh, en = {h: [] for h in HEADERS}, {h: [] for h in HEADERS.values()}

    def put(header: str, zh_value, en_value=None) -> None:
        zh[header].append(zh_value)
        en[HEADERS[header]].append(zh_value if en_value is None else en_value)

    for _ in range(n):
        female = bool(rng.random() < 0.48)
        age = int(rng.integers(16, 50 if female else 60))
        education = int(rng.choice(6, p=(0.15, 0.38, 0.13, 0.09, 0.13, 0.12)))
        if age < 22 and education >= 4:
            education = 2
        state = int(rng.choice(8, p=STATE_SHARES))
        unemployed, employed = state == 1, state == 0
        registered = unemployed and rng.random() < 0.5
        recipient = registered and rng.random() < 0.3
        location = int(rng.choice(3, p=(0.6, 0.25, 0.15))) if employed else -1
        contrib = int(rng.integers(0, max(1, (age - 16) * 12)))
        put("姓名", SURNAMES[rng.integers(len(SURNAMES))] + "".join(GIVEN[k] for k in rng.integers(len(GIVEN),
                                                                                                 size=2)))
        put("身份证号", fake_id(rng, age, female))
        put("手机号", f"199000{rng.integers(10000, 99999)}")
        put("性别", "女" if female else "男", "female" if female else "male")
        put("年龄", age)
        put("学历", *EDUCATION[education])
        put("户籍", *HUKOU[int(rng.choice(3, p=(0.3, 0.64, 0.06)))])
        district = int(rng.choice(4, p=(0.22, 0.16, 0.26, 0.36)))
        put("区县", DISTRICTS[district], DISTRICT_EN[district])
        put("就业状态", *STATES[state])
        put("是否登记失业", *YES_NO[int(registered)])
        put("失业时长(月)", int(rng.integers(0, 30)) if unemployed else "")
        put("是否领取失业保险金", *YES_NO[int(recipient)])
        put("工作地点", *(LOCATION[location] if employed else ("", "")))
        local = employed and location == 0
        put("单位编号", f"F{rng.integers(1, N_FIRMS + 1):04d}" if local else "")
        put("月工资", int(rng.integers(1800, 9000)) if employed else "")
        put("累计缴费月数", contrib)
        put("残疾等级", *DISABILITY[int(rng.choice(3, p=(0.96, 0.03, 0.01)))])
        put("技能等级", *SKILL[int(rng.choice(4, p=(0.7, 0.18, 0.09, 0.03)))])
        put("低保", *YES_NO[int(rng.random() < 0.05)])
        put("脱贫人口", *YES_NO[int(rng.random() < 0.15)])
        put("退役军人", *YES_NO[int(not female and rng.random() < 0.03)])
        put("就业困难人员", *YES_NO[int(rng.random() < 0.05)])
        graduate = education >= 4 and age < 30
        put("毕业年月", f"{2023 - age + (22 if education == 5 else 21)}-07" if graduate else "")
    return pd.DataFrame(zh), pd.DataFrame(en)


def firms(rng: np.random.Generator) -> pd.DataFrame:
    sizes, sectors = ("微型", "小型", "中型", "大型"), ("制造业", "建筑业", "批发零售住宿餐饮", "其他服务业", "采矿能源")
    rows = []
    for k in range(1, N_FIRMS + 1):
        rows.append({"单位编号": f"F{k:04d}", "单位名称": f"示例{k}号有限公司",
                     "企业规模": sizes[int(rng.choice(4, p=(0.6, 0.3, 0.08, 0.02)))],
                     "区县": DISTRICTS[int(rng.integers(4))], "行业": sectors[int(rng.integers(5))],
                     "平均工资": int(rng.integers(3000, 7000)), "成立年月": f"{rng.integers(2000, 2023)}-{rng.integers(1, 13):02d}"})
    return pd.DataFrame(rows)


# row number in the file (header = row 1) → (column, bad value, what the message must contain)
BAD_ROWS = {
    2: ("性别", "男性x", "男 (male)"),
    3: ("年龄", "两十", "whole number"),
    4: ("年龄", "63", "retirement"),
    5: ("学历", "大学", "本科及以上 (bachelor_plus)"),
    6: ("区县", "荷城街道", "钟山区 (zhongshan)"),
    7: ("就业状态", "退休", "outside the working-age population"),
    8: ("就业状态", "", "is empty"),
    9: ("失业时长(月)", "5", "only allowed for state 失业"),
    10: ("是否登记失业", "是", "only allowed for state 失业"),
    11: ("月工资", "-100", "a number from 0"),
    12: ("性别", "<id>", "withheld"),             # an identity number shifted into 性别
    13: ("学历", "<name>", "withheld"),           # the row's name shifted into 学历
    14: ("毕业年月", "2024-13", "a month such as"),
    15: ("是否领取失业保险金", "是", "registered unemployed"),
    16: ("技能等级", "expert", "高级 (advanced)"),
    17: ("残疾等级", "五级", "重度残疾 (severe)"),
}


def bad_register(good: pd.DataFrame) -> pd.DataFrame:
    """The first 40 persons with the mistakes of BAD_ROWS written over them."""
    bad = good.head(40).astype(str)
    for row, (column, value, _) in BAD_ROWS.items():
        i = row - 2
        if row == 4:
            bad.loc[i, "性别"] = "男"
        if value == "<id>":
            value = bad.loc[i, "身份证号"]
        elif value == "<name>":
            value = bad.loc[i, "姓名"]
        if column in ("失业时长(月)", "是否登记失业", "是否领取失业保险金"):      # on an employed person
            bad.loc[i, "就业状态"] = "就业"
            bad.loc[i, ["失业时长(月)", "是否登记失业", "是否领取失业保险金"]] = ["", "否", "否"]
        bad.loc[i, column] = value
    return bad


def main() -> None:
    rng = np.random.default_rng(20240101)
    zh, en = persons(rng, N)
    zh.to_csv(HERE / "register_example.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
    for column in ("age", "unemployment_months", "wage", "contrib_months"):     # nullable integers, as exports hold them
        en[column] = pd.to_numeric(en[column].replace("", None)).astype("Int64")
    en = en.replace("", None)
    en.to_parquet(HERE / "register_example_en.parquet", index=False)
    firms(np.random.default_rng(7)).to_csv(HERE / "firms_example.csv", index=False, encoding="utf-8",
                                           lineterminator="\n")
    bad_register(zh).to_csv(HERE / "register_bad.csv", index=False, encoding="utf-8", lineterminator="\n")


if __name__ == "__main__":
    main()
