"""Fixed facts and tuning parameters of the synthetic Shidian County (施甸县).

Townships, codes and seat are real (REFERENCE.md §10); villages, schools, people and every rate below are
synthetic. Rates are per school year unless said otherwise; ``remote`` townships (木老元, 摆榔, 老麦, 酒房)
have smaller and shrinking birth cohorts and lose more students.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COUNTY_CODE = "530521"
COUNTY_NAME = "施甸县"
LAT, LNG = 24.72, 99.18  # county seat (甸阳镇)


@dataclass(frozen=True)
class TownshipSpec:
    name: str
    code3: str
    kind: str  # areas.TownshipKind value
    communities: int  # 社区 (urban in the seat, 镇区 in towns)
    villages: int  # 行政村
    cohort: int  # hukou births per year (scale 1) in the reference year
    trend: float  # yearly change of the birth cohort
    tier: int  # 0 seat, 1 town, 2 township, 3 remote township
    primaries: int  # primary schools besides the 九年一贯制 school (including the 中心校)
    teaching_points: int
    juniors: tuple[str, ...]  # names of junior schools ("" = none)
    nine_year: str = ""  # name of the 九年一贯制 school, if any
    ethnic: dict[str, float] = field(default_factory=dict)  # 民族 code → share (rest 汉族)
    offset: tuple[float, float] = (0.0, 0.0)  # township centre relative to the seat (degrees)
    tiny_villages: int = 0  # villages kept in the small test county (0 = township left out)


DEFAULT_ETHNIC = {"07": 0.025, "34": 0.008, "18": 0.008, "03": 0.005, "14": 0.006}

TOWNSHIPS: tuple[TownshipSpec, ...] = (
    TownshipSpec("甸阳镇", "100", "town", 8, 8, 500, 0.050, 0, 9, 0, ("甸阳中学", "施甸县实验中学"),
                 ethnic=DEFAULT_ETHNIC, offset=(0.0, 0.0), tiny_villages=3),
    TownshipSpec("由旺镇", "101", "town", 2, 14, 420, -0.010, 1, 10, 3, ("由旺中学", "施甸县第三中学"),
                 ethnic=DEFAULT_ETHNIC, offset=(-0.10, 0.05)),
    TownshipSpec("仁和镇", "102", "town", 2, 12, 370, -0.010, 1, 9, 3, ("仁和中学",),
                 ethnic=DEFAULT_ETHNIC, offset=(-0.18, 0.02)),
    TownshipSpec("姚关镇", "103", "town", 2, 10, 315, -0.012, 1, 8, 3, ("姚关中学",),
                 ethnic={**DEFAULT_ETHNIC, "07": 0.05}, offset=(-0.30, 0.08)),
    TownshipSpec("太平镇", "104", "town", 1, 10, 260, -0.014, 1, 7, 3, ("太平中学",),
                 ethnic=DEFAULT_ETHNIC, offset=(0.12, 0.10)),
    TownshipSpec("水长乡", "201", "township", 1, 9, 230, -0.018, 2, 6, 4, ("水长中学",),
                 ethnic={**DEFAULT_ETHNIC, "07": 0.06}, offset=(0.15, -0.08)),
    TownshipSpec("万兴乡", "202", "township", 1, 6, 160, -0.020, 2, 4, 3, (), "万兴九年一贯制学校",
                 ethnic=DEFAULT_ETHNIC, offset=(-0.05, -0.12)),
    TownshipSpec("酒房乡", "203", "township", 3, 7, 270, -0.032, 3, 6, 4, ("酒房中学",),
                 ethnic={**DEFAULT_ETHNIC, "07": 0.08, "18": 0.04}, offset=(-0.25, -0.15)),
    TownshipSpec("何元乡", "204", "township", 1, 8, 210, -0.020, 2, 6, 3, ("何元中学",),
                 ethnic=DEFAULT_ETHNIC, offset=(0.05, 0.20)),
    TownshipSpec("旧城乡", "205", "township", 1, 8, 210, -0.020, 2, 6, 3, ("旧城中学",),
                 ethnic={**DEFAULT_ETHNIC, "07": 0.05}, offset=(0.22, 0.15)),
    TownshipSpec("老麦乡", "206", "township", 1, 6, 190, -0.035, 3, 4, 4, ("老麦中学",),
                 ethnic={**DEFAULT_ETHNIC, "07": 0.10}, offset=(0.28, -0.02), tiny_villages=3),
    TownshipSpec("摆榔彝族布朗族乡", "207", "ethnic", 1, 8, 160, -0.035, 3, 5, 4, (), "摆榔民族九年一贯制学校",
                 ethnic={"07": 0.30, "34": 0.20, "18": 0.03, "03": 0.01}, offset=(-0.20, 0.25)),
    TownshipSpec("木老元布朗族彝族乡", "208", "ethnic", 1, 5, 85, -0.040, 3, 3, 3, (), "木老元九年一贯制学校",
                 ethnic={"34": 0.40, "07": 0.25, "18": 0.02}, offset=(-0.02, 0.30)),
)  # fmt: skip

SHORT = {"摆榔彝族布朗族乡": "摆榔乡", "木老元布朗族彝族乡": "木老元乡"}

# Seat urban primary schools (in the seat's communities) and county-level schools (in the seat).
SEAT_URBAN_PRIMARIES = ("施甸县第一完全小学", "施甸县第二完全小学", "施甸县第三完全小学", "甸阳镇中心小学")
SEAT_KINDERGARTENS = (("施甸县幼儿园", "public"), ("施甸县第二幼儿园", "public"))
PRIVATE_KINDERGARTENS: dict[str, tuple[tuple[str, str], ...]] = {
    "甸阳镇": (
        ("施甸县阳光幼儿园", "inclusive_private"),
        ("施甸县育才幼儿园", "inclusive_private"),
        ("施甸县金太阳幼儿园", "inclusive_private"),
        ("施甸县小天使幼儿园", "inclusive_private"),
        ("施甸县童心幼儿园", "inclusive_private"),
        ("施甸县博雅双语幼儿园", "other_private"),
        ("施甸县蓝天艺术幼儿园", "other_private"),
        ("施甸县贝贝乐幼儿园", "other_private"),
    ),
    "由旺镇": (("由旺镇启明幼儿园", "inclusive_private"), ("由旺镇春苗幼儿园", "inclusive_private"),
               ("由旺镇七彩幼儿园", "other_private")),
    "仁和镇": (("仁和镇快乐幼儿园", "inclusive_private"),),
    "姚关镇": (("姚关镇明珠幼儿园", "inclusive_private"), ("姚关镇小博士幼儿园", "other_private")),
    "太平镇": (("太平镇希望幼儿园", "inclusive_private"),),
}  # fmt: skip
COUNTY_SCHOOLS = (
    ("senior", "施甸县第一中学", True),
    ("complete_secondary", "施甸县第二中学", True),
    ("vocational", "施甸县职业高级中学", True),
    ("special", "施甸县特殊教育学校", False),
)

# ---- rates (tuned so the headline indicators land near the 2021 targets; see tests) ----
# Probability that a hukou child attends kindergarten at all, by tier; and the grade they start in.
KG_ATTEND = (0.985, 0.95, 0.92, 0.87)
KG_START = ((-2, 0.80), (-1, 0.15), (0, 0.05))
# Study outside the county from grade 1 (外县就读), by tier; share of them coming back for junior school.
OUT_PRIMARY = (0.035, 0.020, 0.012, 0.010)
# Yearly dropout probability by level (primary, junior, senior) and tier multiplier.
DROP_LEVEL = {"primary": 0.0005, "junior": 0.0078, "senior": 0.0042, "preschool": 0.0}
DROP_TIER = (0.5, 0.9, 1.3, 2.4)
# Each pupil's dropout risk is DROP_LEVEL × DROP_TIER × these factors (multiplied) × a lognormal noise of mean 1
# (DROP_NOISE_SIGMA): what the 辍学预警 model can learn (docs/warning.md). DROP_LEVEL is lowered so the county's
# dropout figures stay where they were before the factors.
DROP_FACTORS = {
    "poverty": 1.6,  # 脱贫家庭/监测户
    "left_behind": 1.4,  # 留守
    "disability": 2.0,
    "orphan": 2.5,  # 孤儿/事实无人抚养
    "repeated": 2.2,  # 留级 at least once (over-age for grade)
    "junior_first_year": 1.6,  # the step into 初中
    "junior_later_years": 0.8,
    "other_township": 1.3,  # schooled outside the home township (distance)
}
DROP_NOISE_SIGMA = 0.7
DROP_RETURN = 0.45  # share of dropouts who come back (复学) the next school year
SUSPEND = 0.002
REPEAT = {"primary": 0.010, "junior": 0.008, "senior": 0.004, "preschool": 0.0}
DEATH = 0.0002
TRANSFER_OUT = (0.0045, 0.0040, 0.0045, 0.0055)  # 转出 to another county, per year, by tier
MOVE_IN_COUNTY = (0.000, 0.020, 0.026, 0.036)  # start-of-year transfer inside the county (mostly to the seat)
MOVE_TO_SEAT = 0.85
TEACHING_POINT_SHARE = 0.65  # children of a village with a 教学点 who go there for grades 1–4
SPECIAL_SCHOOL_SHARE = 0.30  # disabled children at the special school
NO_JUNIOR = 0.003  # primary graduates who do not go on to junior school
# After junior graduation: (general senior, vocational, out of county), by tier; rest stop studying.
SENIOR_CHOICE = ((0.71, 0.275, 0.01), (0.635, 0.345, 0.01), (0.605, 0.365, 0.01), (0.565, 0.385, 0.01))
OUT_AT_JUNIOR = (0.012, 0.008, 0.005, 0.004)  # go to study out of the county for junior school
# 随迁子女 arriving in the county per year (scale 1), growing year over year.
MIGRANTS_PER_YEAR = 330
MIGRANT_GROWTH = 0.12
MIGRANT_LEAVE = 0.06
NEVER_ENROLLED = 6  # compulsory-age hukou children never enrolled (失学), scale 1
COHORT_FACTOR = 0.9  # scales every township's cohort (tunes the county to ~45,000 students)
RESIDENT_FACTOR = (1.14, 1.0, 0.93, 0.88)  # 常住/户籍 for ages without individuals

# ---- names ----
SURNAMES = (
    "杨李张王赵段字蒋尹陈刘杜周马苏鲁罗何杞穆起寸邵董徐朱黄番郭孙施钱晏龚吕彭余谢许蔡"
    "唐冯邓曹袁莫沈韩吴胡高林")  # fmt: skip
SURNAME_WEIGHTS = (
    12, 11, 8, 8, 6, 6, 3, 4, 3, 5, 5, 3, 3, 3, 3, 2, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)  # fmt: skip
GIVEN_M = "浩宇轩杰俊涛鹏飞明华强伟军磊文斌志勇晨阳子睿泽凯瑞博航诚皓然天宏宁松林峰江海辉"
GIVEN_F = "婷丽芳娟敏静燕霞玲佳欣怡雨萱琳梦瑶雪慧颖洁倩晶蕊思涵雅琪月秀兰春梅艳娜"
GIVEN_ANY = "子文嘉一可思心晓家永建金玉云德正安"
VILLAGE_SYLLABLES = (
    "大小上下新老河坝山坡箐田坪寨沟湾头尾龙凤石木树水清和平安兴旺福德仁义团结红星光明长春"
    "阳东西南北中营街铺桥塘岗岩林竹松柏梨桃花果茶")  # fmt: skip
VILLAGE_SUFFIX = ("村",)
COMMUNITY_SUFFIX = ("社区",)
EXTERNAL_SCHOOLS = (
    "保山市隆阳区永昌小学", "保山市第一中学", "昆明市盘龙区东华小学", "昆明市第十中学", "龙陵县第一中学",
    "昌宁县第一中学", "腾冲市第一中学", "大理市下关第一中学", "芒市第一中学", "临沧市临翔区第一中学",
)  # fmt: skip
OTHER_AREA_CODES = ("530502", "530523", "530524", "530581", "533103", "532901", "530102", "530902", "511602")
