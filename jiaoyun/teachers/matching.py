"""Placement of a 县管校聘 round: a pure function over plain data, used by the services and the benchmark.

Algorithm (docs/adr/0006-hiring-round-placement.md):

1. **Feasibility.** A school's posts may not exceed its 核定编制 less the 在编 staff not in the round; all
   posts may not exceed the county's approved 岗位总量. Otherwise nothing is placed and every violated
   condition is reported in words. More applicants than posts in a subject is the usual case, not an error:
   the surplus ends in 落聘待岗 (stage 4); ``oversubscription`` says by how many per subject
   (docs/adr/0016-hiring-round-more-teachers-than-posts.md).
2. **校内竞聘 (stage 1).** Each applicant who competes in their own school is ranked by their own school's
   score among the colleagues applying for the same subject; the best ``capacity`` of them keep a post.
3. **跨校竞聘 (stage 2).** Teacher-proposing deferred acceptance (Gale–Shapley) over the remaining posts:
   every unplaced applicant proposes to the schools on their list in order; a school holds the best
   applicants up to its remaining posts in the subject and rejects the rest. A school only considers
   applicants it has scored. The result is the teacher-optimal stable matching, which is unique, so the
   order in which proposals are processed does not change it.
4. **组织调剂 (stage 3).** Applicants still unplaced are taken in order of their best score; each goes to the
   nearest school (straight-line distance from their original school) with an open post in their subject;
   equal distances go to the school with more open posts, then the lower school id.
5. **落聘待岗 (stage 4).** Whoever is left when the subject has no open post: the explanation gives the posts
   of the subject and how each stage filled them, and the applicant's place in the 组织调剂 order.

**Ties.** A school ranks applicants by score (higher first); equal scores are broken by the earlier
参加工作日期 (longer service first), then by the smaller teacher id. The key is total, so every run gives the
same result.

Every applicant gets an explanation: the stage and preference rank (or why they were not placed), their score against the post's cut-off
score, and for each better-ranked school why it did not take them (no post, not scored, full with cut-off).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

Key = tuple[float, int, int]  # (score, -hire ordinal, -teacher id): larger is better


@dataclass(frozen=True)
class Applicant:
    id: int
    teacher_id: int
    subject: str
    origin: int
    choices: tuple[int, ...]
    in_school: bool = True
    hire_ordinal: int = 0  # date.toordinal() of 参加工作日期; 0 when unknown
    name: str = ""


@dataclass
class Problem:
    applicants: list[Applicant]
    capacity: dict[tuple[int, str], int]  # (school, subject) → posts
    scores: dict[tuple[int, int], float]  # (school, applicant id) → score
    positions: dict[int, tuple[float, float]] = field(default_factory=dict)  # school → (lat, lon)
    school_names: dict[int, str] = field(default_factory=dict)
    subject_names: dict[str, str] = field(default_factory=dict)
    approved_posts: int | None = None
    # school → most posts it may offer (its 核定编制 less the 在编 staff not in the round), with the figures
    school_limits: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # (limit, quota, staying)


@dataclass
class Placement:
    school: int | None
    stage: int | None
    rank: int | None  # 1-based preference rank; None for stage 1 (own school) and county placement
    score: float | None


@dataclass
class Result:
    placements: dict[int, Placement]
    explanations: dict[int, list[str]]
    filled: dict[tuple[int, str], int]
    cutoffs: dict[tuple[int, str], float | None]
    infeasible: list[str]

    @property
    def feasible(self) -> bool:
        return not self.infeasible


def _key(score: float, a: Applicant) -> Key:
    return (score, -a.hire_ordinal, -a.teacher_id)


def oversubscription(p: Problem) -> list[str]:
    """Per subject with more applicants than posts: how many will end in 落聘待岗 (information, not an error)."""
    posts_by_subject: dict[str, int] = defaultdict(int)
    for (_school, subject), n in p.capacity.items():
        posts_by_subject[subject] += n
    applicants_by_subject: dict[str, int] = defaultdict(int)
    for a in p.applicants:
        applicants_by_subject[a.subject] += 1
    notes: list[str] = []
    for subject in sorted(applicants_by_subject):
        n_app, n_post = applicants_by_subject[subject], posts_by_subject.get(subject, 0)
        if n_app > n_post:
            label = p.subject_names.get(subject, subject)
            notes.append(f"{label}：报名教师{n_app}人，岗位{n_post}个，{n_app - n_post}人将落聘待岗")
    return notes


def check_feasibility(p: Problem) -> list[str]:
    reasons: list[str] = []
    posts_by_school: dict[int, int] = defaultdict(int)
    for (school, _subject), n in p.capacity.items():
        posts_by_school[school] += n
    for school in sorted(posts_by_school):
        if school not in p.school_limits:
            continue
        limit, quota, staying = p.school_limits[school]
        if posts_by_school[school] > limit:
            reasons.append(
                f"{p.school_names.get(school, school)}：岗位{posts_by_school[school]}个超过可设岗位{max(limit, 0)}个"
                f"（核定编制{quota}人，未参加竞聘的在编教职工{staying}人）"
            )
    total = sum(p.capacity.values())
    if p.approved_posts is not None and total > p.approved_posts:
        reasons.append(f"岗位总数{total}个超过核定岗位总量{p.approved_posts}个，超出{total - p.approved_posts}个")
    return reasons


def _distance(p: Problem, a: int, b: int) -> float:
    pa, pb = p.positions.get(a), p.positions.get(b)
    if pa is None or pb is None:
        return 0.0 if a == b else 1e6
    lat1, lon1, lat2, lon2 = map(math.radians, (pa[0], pa[1], pb[0], pb[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _ring(center: tuple[int, int], r: int) -> list[tuple[int, int]]:
    """The grid cells at Chebyshev distance exactly ``r`` from ``center``."""
    ci, cj = center
    if r == 0:
        return [center]
    cells = [(ci - r, j) for j in range(cj - r, cj + r + 1)] + [(ci + r, j) for j in range(cj - r, cj + r + 1)]
    cells += [(i, cj - r) for i in range(ci - r + 1, ci + r)] + [(i, cj + r) for i in range(ci - r + 1, ci + r)]
    return cells


class _NearestIndex:
    """Open schools per subject in a lat/lon grid, so the nearest one is found by searching rings of cells
    outward instead of scanning every school. Same answer as the linear scan over
    ``(distance, -open posts, school id)``; schools without coordinates are only reached through the scan."""

    CELL = 0.1  # degrees (about 11 km)

    def __init__(self, p: Problem, open_by_subject: dict[str, set[int]]):
        self.p = p
        self.open = open_by_subject
        self.grid: dict[str, dict[tuple[int, int], set[int]]] = defaultdict(lambda: defaultdict(set))
        self.unplaced_pos: dict[str, set[int]] = defaultdict(set)
        lats = [pos[0] for pos in p.positions.values()] or [0.0]
        # Lower bound of km per degree (longitude shrinks with latitude); 1% margin.
        self.km_per_deg = 0.99 * 6371.0 * math.radians(1) * math.cos(math.radians(min(89.0, max(map(abs, lats)) + 1)))
        self.span = 0
        for subject, schools in open_by_subject.items():
            for s in schools:
                c = self._cell(s)
                if c is None:
                    self.unplaced_pos[subject].add(s)
                else:
                    self.grid[subject][c].add(s)
        cells = [c for g in self.grid.values() for c in g]
        if cells:
            self.span = max(max(c[0] for c in cells) - min(c[0] for c in cells),
                            max(c[1] for c in cells) - min(c[1] for c in cells)) + 1  # fmt: skip

    def _cell(self, school: int) -> tuple[int, int] | None:
        pos = self.p.positions.get(school)
        return None if pos is None else (math.floor(pos[0] / self.CELL), math.floor(pos[1] / self.CELL))

    def remove(self, school: int, subject: str) -> None:
        self.open[subject].discard(school)
        c = self._cell(school)
        if c is not None:
            self.grid[subject][c].discard(school)
        self.unplaced_pos[subject].discard(school)

    def nearest(self, origin: int, subject: str, remaining: dict[tuple[int, str], int]) -> int | None:
        schools = self.open.get(subject)
        if not schools:
            return None

        def key(s: int) -> tuple[float, int, int]:
            return (_distance(self.p, origin, s), -remaining[(s, subject)], s)

        center = self._cell(origin)
        if center is None:
            return min(schools, key=key)
        grid = self.grid[subject]
        best: tuple[float, int, int] | None = None
        for r in range(self.span + 1):
            if best is not None and (r - 1) * self.CELL * self.km_per_deg > best[0]:
                break
            for c in _ring(center, r):
                for s in grid.get(c, ()):
                    k = key(s)
                    if best is None or k < best:
                        best = k
        if best is None:  # only schools without coordinates are open
            return min(self.unplaced_pos[subject], key=key) if self.unplaced_pos[subject] else None
        return best[2]


def place(p: Problem, *, upto: int = 3) -> Result:
    """Run the stages up to ``upto`` (1, 2 or 3). See the module docstring."""
    infeasible = check_feasibility(p)
    if infeasible:
        return Result({}, {}, {}, {}, infeasible)
    sname = p.school_names.get
    subj = p.subject_names.get
    remaining = dict(p.capacity)
    placements: dict[int, Placement] = {}
    notes: dict[int, list[str]] = {a.id: [] for a in p.applicants}
    by_id = {a.id: a for a in p.applicants}
    taken_stage1: dict[tuple[int, str], int] = defaultdict(int)

    # Stage 1: in-school competition.
    groups: dict[tuple[int, str], list[tuple[Key, Applicant]]] = defaultdict(list)
    for a in p.applicants:
        if not a.in_school:
            notes[a.id].append("未参加本校校内竞聘")
            continue
        cell = (a.origin, a.subject)
        if remaining.get(cell, 0) <= 0:
            notes[a.id].append(f"本校未设{subj(a.subject, a.subject)}岗位，不参加校内竞聘")
            continue
        s = p.scores.get((a.origin, a.id))
        if s is None:
            notes[a.id].append("本校未对其评分，未参加校内竞聘")
            continue
        groups[cell].append((_key(s, a), a))
    cutoff1: dict[tuple[int, str], float] = {}
    for cell, entries in groups.items():
        entries.sort(key=lambda e: e[0], reverse=True)
        cap = remaining[cell]
        for pos, (key, a) in enumerate(entries, start=1):
            if pos <= cap:
                placements[a.id] = Placement(cell[0], 1, None, key[0])
                remaining[cell] -= 1
                taken_stage1[cell] += 1
                cutoff1[cell] = key[0]
                notes[a.id].append(
                    f"校内竞聘：在本校{subj(a.subject, a.subject)}岗位{cap}个中排名第{pos}（{key[0]:g}分），留聘本校"
                )
            else:
                notes[a.id].append(
                    f"校内竞聘：在本校{subj(a.subject, a.subject)}岗位{cap}个中排名第{pos}（{key[0]:g}分），"
                    f"未获聘，进入跨校竞聘"
                )
    if upto < 2:
        return _finish(p, placements, notes, remaining, cutoff1)

    # Stage 2: teacher-proposing deferred acceptance over the remaining posts.
    held: dict[tuple[int, str], list[tuple[Key, int]]] = defaultdict(list)
    next_choice: dict[int, int] = {}
    free = [a.id for a in p.applicants if a.id not in placements]
    while free:
        aid = free.pop()
        a = by_id[aid]
        i = next_choice.get(aid, 0)
        while i < len(a.choices):
            school = a.choices[i]
            i += 1
            cell = (school, a.subject)
            if remaining.get(cell, 0) <= 0:
                continue
            s = p.scores.get((school, aid))
            if s is None:
                continue
            heap = held[cell]
            heapq.heappush(heap, (_key(s, a), aid))
            if len(heap) > remaining[cell]:
                _, loser = heapq.heappop(heap)
                if loser != aid:
                    next_choice[aid] = i
                    free.append(loser)
                    break
            else:
                next_choice[aid] = i
                break
        else:
            next_choice[aid] = i
    cutoff2: dict[tuple[int, str], Key] = {}
    for cell, heap in held.items():
        full = len(heap) >= remaining[cell]
        if heap and full:
            cutoff2[cell] = min(heap)[0]
        for key, aid in heap:
            a = by_id[aid]
            rank = a.choices.index(cell[0]) + 1
            placements[aid] = Placement(cell[0], 2, rank, key[0])
    for cell, heap in held.items():
        remaining[cell] -= len(heap)
    # Explanations of stage 2 for every applicant who took part in it.
    for a in p.applicants:
        pl = placements.get(a.id)
        if pl is not None and pl.stage == 1:
            continue
        upto_rank = pl.rank - 1 if pl is not None and pl.rank else len(a.choices)
        for r, school in enumerate(a.choices[:upto_rank], start=1):
            notes[a.id].append(_why_not(p, a, r, school, cutoff2, taken_stage1))
        if pl is not None:
            cell = (pl.school or 0, a.subject)
            cut = cutoff2.get(cell)
            cut_txt = f"该岗位最低录用分{cut[0]:g}" if cut else "该岗位未满员"
            notes[a.id].append(
                f"跨校竞聘：第{pl.rank}志愿{sname(pl.school or 0, '')}录用，本人得分{pl.score:g}，{cut_txt}"
            )
        elif a.choices:
            notes[a.id].append("跨校竞聘：所有志愿均未录用")
        else:
            notes[a.id].append("跨校竞聘：未填报志愿")
    if upto < 3:
        return _finish(p, placements, notes, remaining, {**cutoff1, **{c: k[0] for c, k in cutoff2.items()}})

    # Stage 3: 组织调剂, nearest open post of the subject first; stage 4: 落聘待岗 when none is left.
    open_by_subject: dict[str, set[int]] = defaultdict(set)
    for (school, subject), n in remaining.items():
        if n > 0:
            open_by_subject[subject].add(school)
    unplaced = [a for a in p.applicants if a.id not in placements]
    waiting = {a.id for a in unplaced}
    best: dict[int, float] = dict.fromkeys(waiting, 0.0)
    for (_school, aid), s in p.scores.items():
        if aid in waiting and s > best[aid]:
            best[aid] = s
    unplaced.sort(key=lambda a: _key(best[a.id], a), reverse=True)
    index = _NearestIndex(p, open_by_subject)
    scored = {aid for (_school, aid) in p.scores}
    in_stage3: dict[str, int] = defaultdict(int)
    for a in unplaced:
        in_stage3[a.subject] += 1
    order: dict[str, int] = defaultdict(int)
    open_before: dict[str, int] = defaultdict(int)
    standby_cache: dict[str, tuple[int, dict[int, int]]] = {}
    for (_school, subject), n in remaining.items():
        open_before[subject] += max(n, 0)
    for a in unplaced:
        order[a.subject] += 1
        label = subj(a.subject, a.subject)
        best_txt = f"本人最高得分{best[a.id]:g}" if a.id in scored else "本人未获任何学校评分"
        place_txt = f"{best_txt}，在参加组织调剂的{label}教师{in_stage3[a.subject]}人中排第{order[a.subject]}"
        target = index.nearest(a.origin, a.subject, remaining)
        if target is None:
            placements[a.id] = Placement(None, 4, None, None)
            notes[a.id].append(_standby_note(p, a, placements, place_txt, open_before[a.subject], standby_cache))
            continue
        cell = (target, a.subject)
        remaining[cell] -= 1
        if remaining[cell] == 0:
            index.remove(target, a.subject)
        placements[a.id] = Placement(target, 3, None, None)
        d = _distance(p, a.origin, target)
        where = f"距原学校约{d:.1f}公里" if d < 1e5 else "距离未知"
        notes[a.id].append(
            f"组织调剂：按最高得分排序（{place_txt}），调剂至尚有{label}空岗的最近学校{sname(target, '')}（{where}）"
        )
    return _finish(p, placements, notes, remaining, {**cutoff1, **{c: k[0] for c, k in cutoff2.items()}})


def _standby_note(
    p: Problem,
    a: Applicant,
    placements: dict[int, Placement],
    place_txt: str,
    open_for_stage3: int,
    cache: dict[str, tuple[int, dict[int, int]]],
) -> str:
    """Why ``a`` is 落聘待岗. The subject has no open post left, so its per-stage counts are final: they are
    computed once per subject (``cache``)."""
    label = p.subject_names.get(a.subject, a.subject)
    if a.subject not in cache:
        total = sum(n for (_school, subject), n in p.capacity.items() if subject == a.subject)
        by_stage: dict[int, int] = defaultdict(int)
        subject_of = {x.id: x.subject for x in p.applicants}
        for aid, pl in placements.items():
            if pl.school is not None and pl.stage and subject_of[aid] == a.subject:
                by_stage[pl.stage] += 1
        cache[a.subject] = (total, by_stage)
    total, by_stage = cache[a.subject]
    filled = f"校内竞聘{by_stage[1]}人、跨校竞聘{by_stage[2]}人、组织调剂{by_stage[3]}人"
    if total == 0:
        return f"落聘待岗：本轮未设{label}岗位；{place_txt}"
    return (
        f"落聘待岗：{label}岗位共{total}个已全部聘满（{filled}）；组织调剂前剩余空岗{open_for_stage3}个，"
        f"按最高得分排序由排名在前者调剂（{place_txt}）"
    )


def _why_not(
    p: Problem,
    a: Applicant,
    rank: int,
    school: int,
    cutoff: dict[tuple[int, str], Key],
    taken_stage1: dict[tuple[int, str], int],
) -> str:
    name = p.school_names.get(school, str(school))
    label = p.subject_names.get(a.subject, a.subject)
    cell = (school, a.subject)
    if p.capacity.get(cell, 0) == 0:
        return f"第{rank}志愿{name}：未设{label}岗位"
    if p.capacity[cell] - taken_stage1.get(cell, 0) <= 0:
        return f"第{rank}志愿{name}：{label}岗位{p.capacity[cell]}个已在校内竞聘中聘满"
    s = p.scores.get((school, a.id))
    if s is None:
        return f"第{rank}志愿{name}：该校未对其评分"
    cut = cutoff.get(cell)
    if cut is None:  # cannot happen in a stable matching; kept for completeness
        return f"第{rank}志愿{name}：未录用"
    tie = "（同分，按参加工作日期较早、教师编号较小者优先）" if cut[0] == s else ""
    return f"第{rank}志愿{name}：{label}岗位已满，最低录用分{cut[0]:g}，本人得分{s:g}{tie}"


def _finish(
    p: Problem,
    placements: dict[int, Placement],
    notes: dict[int, list[str]],
    remaining: dict[tuple[int, str], int],
    cutoffs: dict[tuple[int, str], float],
) -> Result:
    filled = {cell: cap - remaining.get(cell, 0) for cell, cap in p.capacity.items()}
    cut: dict[tuple[int, str], float | None] = {cell: cutoffs.get(cell) for cell in p.capacity}
    return Result(placements, notes, filled, cut, [])


def blocking_pairs(p: Problem, placements: dict[int, Placement], *, stage: int = 2) -> int:
    """Count (applicant, school) pairs that would both rather be matched to each other (0 = stable).

    Considers the cross-school stage: applicants not placed in stage 1 and the posts left after stage 1.
    """
    by_cell: dict[tuple[int, str], list[Key]] = defaultdict(list)
    stage1: dict[tuple[int, str], int] = defaultdict(int)
    by_id = {a.id: a for a in p.applicants}
    for aid, pl in placements.items():
        if pl.school is None:
            continue
        a = by_id[aid]
        if pl.stage == 1:
            stage1[(pl.school, a.subject)] += 1
        elif pl.stage == stage and pl.score is not None:
            by_cell[(pl.school, a.subject)].append(_key(pl.score, a))
    worst = {cell: min(keys) for cell, keys in by_cell.items()}
    count = 0
    for a in p.applicants:
        got = placements.get(a.id)
        if got is not None and got.stage == 1:
            continue
        limit = (got.rank - 1) if got is not None and got.stage == stage and got.rank else len(a.choices)
        for school in a.choices[:limit]:
            cell = (school, a.subject)
            cap = p.capacity.get(cell, 0) - stage1.get(cell, 0)
            s = p.scores.get((school, a.id))
            if cap <= 0 or s is None:
                continue
            held = by_cell.get(cell, [])
            if len(held) < cap or _key(s, a) > worst[cell]:
                count += 1
    return count
