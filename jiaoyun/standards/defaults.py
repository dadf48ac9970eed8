"""The data the module starts with (written by migration 0002; the county edits it afterwards).

The checklist items restate 教督〔2017〕6号 as summarised in REFERENCE.md §2.3–2.5 (items marked [U] there are
held as data precisely so that the county can correct their wording against the original). The 办学条件
standards follow REFERENCE §11: 班额 45/50 [V], 生均教学及辅助用房 and 生均体育运动场馆 at the 优质均衡 floors
[V], 生均校舍建筑面积 4.5/5.5 ㎡ and 生均图书 20/30 册 from a provincial 办学标准 [V, illustration], 生均仪器设备
2000/2500 元 at the 优质均衡 floor."""

from __future__ import annotations

# (group, number, text, target, veto)
CHECK_ITEMS: tuple[tuple[str, int, str, str, bool], ...] = (
    ("government", 1, "县域内义务教育学校规划布局合理，符合国家规定要求", "", False),
    ("government", 2, "县域内城乡义务教育学校建设标准统一、教师编制标准统一、生均公用经费基准定额统一、基本装备配置标准统一", "", False),
    ("government", 3, "所有小学、初中每12个班级配备音乐、美术专用教室1间以上", "每12班≥1间", False),
    ("government", 4, "学校规模：小学、初中不超过2000人，九年一贯制、十二年一贯制学校不超过2500人", "≤2000/2500人", False),
    ("government", 5, "小学、初中所有班级学生数分别不超过45人、50人", "≤45/50人", False),
    ("government", 6, "不足100名学生的村小学和教学点按100名学生核定公用经费", "", False),
    ("government", 7, "特殊教育学校生均公用经费不低于6000元", "≥6000元", False),
    ("government", 8, "全县义务教育学校教师平均工资收入水平不低于当地公务员平均工资收入水平，按规定足额核定教师绩效工资总量", "", False),
    ("government", 9, "教师5年360学时培训完成率达到100%", "100%", False),
    ("government", 10, "县级教育行政部门在核定的教职工编制总额和岗位总量内，统筹分配各校教职工编制和岗位数量", "", False),
    ("government", 11, "全县每年交流轮岗教师的比例不低于符合交流条件教师总数的10%，其中骨干教师不低于交流轮岗教师总数的20%", "≥10%，骨干≥20%", False),
    ("government", 12, "专任教师持有教师资格证上岗率达到100%", "100%", False),
    ("government", 13, "城区和镇区公办小学、初中（不含寄宿制学校）就近划片入学比例分别达到100%、95%以上", "100%/95%", False),
    ("government", 14, "优质高中招生名额分配比例不低于50%，并向农村初中倾斜", "≥50%", False),
    ("government", 15, "县域内留守儿童关爱体系健全，全部符合条件的随迁子女在公办学校和政府购买服务的民办学校就读的比例不低于85%", "≥85%", False),
    ("quality", 1, "全县初中三年巩固率达到95%以上", "≥95%", False),
    ("quality", 2, "全县残疾儿童少年入学率达到95%以上", "≥95%", False),
    ("quality", 3, "所有学校制定章程，实现学校管理与教学信息化", "", False),
    ("quality", 4, "所有学校按照不低于学校年度公用经费预算总额的5%安排教师培训经费", "≥5%", False),
    ("quality", 5, "教师能熟练运用信息化手段组织教学，设施设备利用率达到较高水平", "", False),
    ("quality", 6, "所有学校德育工作、校园文化建设水平达到良好以上", "", False),
    ("quality", 7, "课程开齐开足，教学秩序规范，综合实践活动有效开展", "", False),
    ("quality", 8, "无过重课业负担", "", False),
    ("quality", 9, "在国家义务教育质量监测中，相关科目学生学业水平达到Ⅲ级以上，且校际差异率低于0.15", "Ⅲ级以上，<0.15", False),
    ("recognition", 1, "社会认可度调查（学生、家长、教师、校长、人大代表、政协委员等）满意度达到85%以上", "≥85%", True),
    ("recognition", 2, "无以考试方式招生、违规择校、设置重点校和重点班等情况", "无", True),
)  # fmt: skip

# (code, part, label, comparison, value, unit, project kind of facilities, basis)
CONDITION_STANDARDS: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    ("class_size", "primary", "班额", "max", "45", "人/班", "expand", "城乡中小学建设标准；优质均衡政府保障第5项"),
    ("class_size", "junior", "班额", "max", "50", "人/班", "expand", "城乡中小学建设标准；优质均衡政府保障第5项"),
    ("building_area", "primary", "生均校舍建筑面积", "min", "4.5", "㎡/生", "expand", "省办学标准（示例）"),
    ("building_area", "junior", "生均校舍建筑面积", "min", "5.5", "㎡/生", "expand", "省办学标准（示例）"),
    ("sports_area", "primary", "生均体育运动场馆面积", "min", "7.5", "㎡/生", "sports", "教督〔2017〕6号"),
    ("sports_area", "junior", "生均体育运动场馆面积", "min", "10.2", "㎡/生", "sports", "教督〔2017〕6号"),
    ("equipment", "primary", "生均教学仪器设备值", "min", "2000", "元/生", "weak_improve", "教督〔2017〕6号"),
    ("equipment", "junior", "生均教学仪器设备值", "min", "2500", "元/生", "weak_improve", "教督〔2017〕6号"),
    ("books", "primary", "生均图书", "min", "20", "册/生", "weak_improve", "省办学标准（示例）"),
    ("books", "junior", "生均图书", "min", "30", "册/生", "weak_improve", "省办学标准（示例）"),
)

# The 教育现代化示范校 criteria [P]: the county's own wording, held as data.
DEMO_CRITERIA: tuple[str, ...] = (
    "办学条件全面达到优质均衡资源配置标准（7项指标全部达标）",
    "班额、学校规模符合国家标准，无大班额",
    "教育信息化：网络多媒体教室全覆盖，智慧校园应用常态化",
    "课程开齐开足，体育、艺术、劳动教育有特色",
    "教师队伍：县级以上骨干教师占比不低于10%，近三年无师德失范",
    "学校治理：依章程办学，家校社协同育人机制健全",
    "近三年无重大安全责任事故，平安校园达标",
    "学生综合素质与学业质量位居全县前列，社会满意度≥90%",
)
