"""Writes of 辍学预警: model versions (train, evaluate, gate), the scoring of every pupil, preventive follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.scope import student_q
from jiaoyun.core.types import User
from jiaoyun.warning import conf, evaluate, explain, learn, metrics
from jiaoyun.warning.features import Frame, compute
from jiaoyun.warning.models import Followup, FollowupStatus, ModelVersion, RiskScore, TermResult

# Roles that may open a follow-up and record its feedback (within their data scope).
FOLLOWUP_ROLES = (Role.COUNTY_ADMIN, Role.BUREAU_STAFF, Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_GOV, Role.PRINCIPAL,
                  Role.CLASS_TEACHER)  # fmt: skip
FEEDBACK = (FollowupStatus.VISITED, FollowupStatus.RESOLVED, FollowupStatus.FALSE_ALARM)
# A follow-up in one of these states is closed: no more feedback, no case opened from it.
CLOSED = (FollowupStatus.RESOLVED, FollowupStatus.FALSE_ALARM, FollowupStatus.LEFT)


# ---------------------------------------------------------------- model versions


@transaction.atomic
def model_train(
    *, actor: User | None, today: dt.date, shuffle_seed: int | None = None, frames: list[Frame] | None = None
) -> tuple[ModelVersion, ModelVersion, dict[str, Any]]:
    """Evaluate over time, fit the baseline and the learned model on every labelled year, keep both versions with
    the figures and put in use the learned one only if it passes the gate (else the baseline, saying why).

    ``shuffle_seed`` trains on permuted outcomes (a check that the gate refuses a model that learned nothing)."""
    if frames is None:
        frames = evaluate.frames_for(evaluate.labelled_years(today))
    result = evaluate.evaluate(frames, shuffle_seed=shuffle_seed)
    passed, why = evaluate.gate(result)
    train = [learn._usable(f) for f in frames]
    if shuffle_seed is not None:
        rng = np.random.default_rng(shuffle_seed)
        train = [evaluate._shuffled(f, rng) for f in train]
    years = [f.year for f in frames if f.year is not None]
    lo, hi = (min(years), max(years)) if years else (today.year, today.year)
    base_params = learn.baseline_fit(train)
    has_both = sum(int(learn._y(f).sum()) for f in train) >= 2 and len(train) > 0
    learned_params = learn.learned_fit(train) if has_both else {}
    if shuffle_seed is not None:
        base_params["shuffled_labels"] = learned_params["shuffled_labels"] = shuffle_seed
    figures = {**result, "gate": {"passed": passed, "reason": why}}
    ModelVersion.objects.filter(in_use=True).update(in_use=False)
    baseline = ModelVersion.objects.create(
        kind="baseline", data_from=lo, data_to=hi, params=base_params, sha256=learn.digest(base_params),
        figures=figures, gate_passed=True, gate_reason="基线规则（透明规则，始终可用）", in_use=not passed,
        created_by=actor,
    )  # fmt: skip
    learned = ModelVersion.objects.create(
        kind="learned", data_from=lo, data_to=hi, params=learned_params, sha256=learn.digest(learned_params),
        figures=figures, gate_passed=passed and bool(learned_params), gate_reason=why[:300],
        in_use=passed and bool(learned_params), created_by=actor,
    )  # fmt: skip
    used = learned if learned.in_use else baseline
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=learned,
        object_repr=f"预警模型训练（{lo}–{hi}学年）：{why}"[:200],
        changes={"in_use": used.pk, "gate_passed": learned.gate_passed},
    )  # fmt: skip
    return baseline, learned, result


def model_in_use() -> ModelVersion | None:
    version = ModelVersion.objects.filter(in_use=True).first()
    if version is not None and learn.digest(version.params) != version.sha256:
        raise DomainError(f"模型版本#{version.pk}的参数与其SHA-256不符，拒绝使用", field="模型")
    return version


# ---------------------------------------------------------------- scoring


def score_frame(params: dict[str, Any], frame: Frame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Risk of every pupil of ``frame``, their county rank (1 = highest) and the flagged mask (top capacity)."""
    risk = learn.predict(params, frame)
    order = np.argsort(-risk, kind="mergesort")
    rank = np.empty(len(risk), dtype=np.int64)
    rank[order] = np.arange(1, len(risk) + 1)
    # The top capacity: ``metrics.flagged`` (the same stable order), without sorting a second time.
    flag = np.zeros(len(risk), dtype=bool)
    flag[order[: metrics.top_k(len(risk), conf.get("WARNING_CAPACITY"))]] = True
    return risk, rank, flag


@transaction.atomic
def scores_refresh(*, actor: User | None, on: dt.date, frame: Frame | None = None) -> dict[str, int]:
    """Score every pupil in school on ``on`` with the model in use; keep the flagged pupils and the next highest
    (``WARNING_STORE_SHARE``) with their factors, the previous risk of each (the trend) and the model."""
    version = model_in_use()
    if version is None:
        version, _, _ = model_train(actor=actor, today=on)
        version = model_in_use() or version
    frame = compute(on) if frame is None else frame
    risk, rank, flag = score_frame(version.params, frame)
    keep = np.flatnonzero(flag | (rank <= max(int(flag.sum()), int(np.ceil(len(rank) * STORE_SHARE)))))
    keep.sort()
    reasons = explain.factors(version.params, frame, keep)
    previous = dict(
        RiskScore.objects.filter(on=RiskScore.objects.filter(on__lt=on).aggregate(d=Max("on"))["d"]).values_list(
            "student_id", "risk"
        )
    )
    RiskScore.objects.filter(on=on).delete()
    rows = []
    for j, i in enumerate(keep.tolist()):
        sid = int(frame.ids[i])
        rows.append(RiskScore(
            student_id=sid, on=on, model=version, risk=round(float(risk[i]), 6), rank=int(rank[i]),
            flagged=bool(flag[i]), previous=previous.get(sid), factors=reasons[j],
            township_id=int(frame.meta["township"][i]) or None, school_id=int(frame.meta["school"][i]) or None,
            school_class_id=int(frame.meta["school_class"][i]) or None, grade=int(frame.meta["grade"][i]),
        ))  # fmt: skip
    RiskScore.objects.bulk_create(rows, batch_size=2000)
    figures = {"pupils": len(frame), "kept": len(rows), "flagged": int(flag.sum()), "model": version.pk}
    audit_record(actor=actor, action=AuditAction.CREATE, object_type="warning.RiskScore", object_id=on.isoformat(),
                 object_repr=f"{on} 辍学风险评估：{len(frame)}名学生，预警{figures['flagged']}人（模型#{version.pk}）",
                 changes=figures)  # fmt: skip
    return figures


STORE_SHARE = 0.10  # pupils kept per scoring day beyond the flagged ones (the watch list of the class page)


# ---------------------------------------------------------------- preventive follow-ups


def _class_teacher(score: RiskScore) -> tuple[Any, User | None, str]:
    """The class teacher responsible: the 双线四级 education line's level 3 of the class, else the class's teacher."""
    from jiaoyun.core.models import User as UserModel
    from jiaoyun.dropout.choices import Line
    from jiaoyun.dropout.models import ResponsiblePerson

    person = (
        ResponsiblePerson.objects.filter(
            line=Line.EDUCATION, level=3, school_class_id=score.school_class_id, is_active=True
        )
        .select_related("user")
        .first()  # fmt: skip
        if score.school_class_id
        else None
    )
    if person is not None:
        return person, person.user, person.name
    user = (
        UserModel.objects.filter(role=Role.CLASS_TEACHER, classes=score.school_class_id, is_active=True).first()
        if score.school_class_id
        else None
    )
    return None, user, (user.display_name or user.username) if user else ""


def followup_refusal(actor: User, score: RiskScore) -> str:
    from jiaoyun.people.models import Student

    if getattr(actor, "role", None) not in FOLLOWUP_ROLES:
        return "只有班主任、学校、中心校和县局工作人员可以发起预防性跟进"
    if not getattr(actor, "can_write", False):
        return "只读账号不能发起跟进"
    if not Student.objects.filter(student_q(actor), pk=score.student_id).exists():
        return "该学生不在您的数据范围内"
    return ""


@transaction.atomic
def followup_open(*, actor: User, score: RiskScore, on: dt.date, deadline: dt.date | None = None) -> Followup:
    """One click: a preventive follow-up of a flagged pupil in 控辍保学, to the class teacher responsible, due in
    ``WARNING_FOLLOWUP_DAYS`` days; the class teacher is notified. A pupil has at most one open follow-up."""
    refusal = followup_refusal(actor, score)
    if refusal:
        raise PermissionDenied(refusal)
    existing = Followup.objects.filter(student_id=score.student_id, status=FollowupStatus.OPEN).first()
    if existing is not None:
        raise DomainError(f"{score.student.name}已有待跟进的预防性跟进（期限{existing.deadline}）", field="学生")
    deadline = deadline or on + dt.timedelta(days=conf.get("WARNING_FOLLOWUP_DAYS"))
    if deadline < on:
        raise DomainError("期限不能早于发起日期", field="期限")
    person, user, name = _class_teacher(score)
    reason = "；".join(f["text"] for f in score.factors if not f.get("sensitive"))[:300]
    followup = Followup.objects.create(
        student_id=score.student_id, score=score, opened_on=on, deadline=deadline, reason=reason,
        responsible=person, responsible_user=user, responsible_name=name, township_id=score.township_id,
        school_id=score.school_id, school_class_id=score.school_class_id, opened_by=actor,
    )  # fmt: skip
    audit_record(actor=actor, action=AuditAction.CREATE, obj=followup,
                 object_repr=f"{score.student.name} 预防性跟进（责任人{name or '未指定'}，期限{deadline}）",
                 changes={"deadline": deadline.isoformat(), "responsible": name})  # fmt: skip
    if user is not None:
        from jiaoyun.notices.services import notify

        notify(users=[user], key=f"warning.followup.{followup.pk}", title=f"辍学预警：请于{deadline}前跟进{score.student.name}",
               body=reason, url=reverse("warning:pupil", args=[score.student_id]), module="辍学预警")  # fmt: skip
    return followup


@transaction.atomic
def followup_feedback(*, actor: User, followup: Followup, status: str, note: str, on: dt.date) -> Followup:
    """Record what the follow-up found: 已家访 (visited, still watched), 已解决 (resolved) or 误报 (false alarm).
    Resolved follow-ups leave the pupil's outcome out of the next evaluation; false alarms are counted in it."""
    from jiaoyun.people.models import Student

    if status not in FEEDBACK:
        raise DomainError(f"未知的跟进结果“{status}”", field="结果")
    if getattr(actor, "role", None) not in FOLLOWUP_ROLES or not getattr(actor, "can_write", False):
        raise PermissionDenied("您不能记录跟进结果")
    if not Student.objects.filter(student_q(actor), pk=followup.student_id).exists():
        raise PermissionDenied("该学生不在您的数据范围内")
    if followup.status in CLOSED:
        raise DomainError(f"该跟进已办结（{followup.get_status_display()}）", field="状态")
    if status != FollowupStatus.VISITED and not note.strip():
        raise DomainError("请填写情况记录", field="情况记录")
    before = followup.status
    followup.status = status
    followup.note = note.strip()[:500]
    followup.feedback_on = on
    followup.save(update_fields=["status", "note", "feedback_on"])
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=followup,
                 changes={"status": [before, status], "note": followup.note})  # fmt: skip
    return followup


def followup_case_refusal(actor: User, followup: Followup | None) -> str:
    """Why ``actor`` may not open a 控辍保学 case from ``followup`` ("" when they may): the roles that follow up,
    within their data scope (``None``: the role alone, for showing the button)."""
    from jiaoyun.people.models import Student

    if getattr(actor, "role", None) not in FOLLOWUP_ROLES or not getattr(actor, "can_write", False):
        return "只有班主任、学校、中心校和县局工作人员可以从预防性跟进转入控辍保学"
    if followup is not None and not Student.objects.filter(student_q(actor), pk=followup.student_id).exists():
        return "该学生不在您的数据范围内"
    return ""


@transaction.atomic
def followup_case_open(*, actor: User, followup: Followup, note: str, on: dt.date) -> Any:
    """One click from a follow-up that found the child has left school: a 控辍保学 case on the 疑似 ledger (待核实,
    the 劝返 flow from there), its 包保责任人 named by the 双线四级, linked to the follow-up, which ends as 已离校.

    The case is written by ``dropout.services.case_open`` (its one write path), in the same transaction."""
    from jiaoyun.dropout.choices import Source
    from jiaoyun.dropout.services import case_open

    refusal = followup_case_refusal(actor, followup)
    if refusal:
        raise PermissionDenied(refusal)
    followup = Followup.objects.select_for_update().select_related("student").get(pk=followup.pk)
    if followup.status in CLOSED:
        raise DomainError(f"该跟进已办结（{followup.get_status_display()}），不能再转入控辍保学", field="状态")
    if not note.strip():
        raise DomainError("请填写发现学生离校的情况（时间、去向、家访经过）", field="情况记录")
    text = note.strip()[:500]
    case = case_open(
        actor=actor, student=followup.student, on=on, source=Source.PREVENTIVE,
        note=f"预防性跟进（{followup.opened_on}发起）发现学生已离校：{text}"[:500],
    )  # fmt: skip
    before = followup.status
    followup.status, followup.note, followup.feedback_on, followup.case = FollowupStatus.LEFT, text, on, case
    followup.save(update_fields=["status", "note", "feedback_on", "case"])
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=followup,
                 object_repr=f"{followup.student.name} 预防性跟进转入控辍保学案件#{case.pk}",
                 changes={"status": [before, FollowupStatus.LEFT], "case": case.pk, "note": text})  # fmt: skip
    return case


# ---------------------------------------------------------------- term results (imported by schools)


def term_results_write(*, new: list[TermResult], updates: list[tuple[int, Any]]) -> None:
    """Write imported term results set-based (the exchange framework audits the batch and its rows)."""
    TermResult.objects.bulk_create(new, batch_size=2000)
    if updates:
        objs = [TermResult(pk=pk, score=score) for pk, score in updates]
        TermResult.objects.bulk_update(objs, ["score"], batch_size=2000)
