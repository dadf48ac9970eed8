"""Names, dishes, risks and failure texts of the safety demo data, and small helpers shared by its parts."""

from __future__ import annotations

import random
import struct
import zlib

from jiaoyun.areas.choices import UrbanRural
from jiaoyun.core.models import User
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School

SURNAMES = "李王张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗段杞字"
GIVEN = "德明国华建平志强文军海林永红春福贵祥顺发荣"
INSURERS = ["中国人保财险施甸支公司", "中国平安财险保山中心支公司", "太平洋财险保山中心支公司"]
DISHES = ["青椒肉丝", "土豆丝", "番茄炒蛋", "白菜豆腐汤", "红烧肉", "炒青菜", "米饭", "宫保鸡丁", "酸菜洋芋汤"]
RISKS = [
    ("traffic", "high", "校门口位于县道弯道处，上下学时段车流量大，无减速带和警示标志"),
    ("vendor", "medium", "校门口有流动摊贩售卖“三无”辣条等零食"),
    ("internet_cafe", "medium", "学校200米范围内有网吧，发现有未成年学生出入"),
    ("construction", "high", "学校围墙外在建民房，脚手架紧邻教学楼一侧"),
    ("water", "high", "学校附近有无护栏的灌溉水塘，夏季有学生私自下水"),
    ("traffic", "medium", "学生乘坐无资质面包车上下学"),
]
CAMPUS_FAILURES = [
    "门卫室夜间无人值守",
    "围墙东侧坍塌约3米，未封闭",
    "一键报警按钮测试无响应",
    "校门摄像头录像仅保存7天",
    "校门外未设置防冲撞隔离墩",
    "放学时段校门口无护学岗",
    "教学楼二楼灭火器过期",
    "旧宿舍楼墙体开裂",
    "外来人员进校未登记",
    "宿舍夜间无人巡查",
]
CANTEEN_FAILURES = [
    "冷库内有过期牛奶未处理",
    "生熟菜板混用",
    "餐厅地面油污未清理",
    "一名帮厨健康证过期",
    "留样不足125克",
    "进货查验记录缺失",
    "发现未完全炒熟的四季豆",
    "上次检查指出的排水沟问题未整改",
]
DEPARTMENTS = {
    "traffic": ["交警大队", "乡镇交管站"],
    "vendor": ["市场监管所", "乡镇综合执法队"],
    "internet_cafe": ["文化市场综合执法大队", "派出所"],
    "construction": ["住建局", "乡镇人民政府"],
    "water": ["水务局", "村委会"],
}


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def png(seed: int) -> bytes:
    """A tiny valid PNG (8×8, one colour) to stand in for a rectification photo."""
    colour = bytes([(seed * 53) % 256, (seed * 97) % 256, (seed * 29) % 256])
    raw = b"".join(b"\x00" + colour * 8 for _ in range(8))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def rural_primary(s: School) -> bool:
    return s.urban_rural != UrbanRural.URBAN and s.kind in (SchoolKind.PRIMARY, SchoolKind.TEACHING_POINT)


def responsible_for(school: School, principals: dict[int, User], officers: dict[int, User], fallback: User) -> User:
    return principals.get(school.pk) or officers.get(school.township_id) or fallback
