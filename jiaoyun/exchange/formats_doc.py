"""The column tables of docs/data-formats.md, generated from the registry (``manage.py data_formats``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from jiaoyun.exchange.registry import Col, all_kinds

START, END = "<!-- kinds:start -->", "<!-- kinds:end -->"


def doc_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "data-formats.md"


def _note(c: Col) -> str:
    parts = [c.help] if c.help else []
    if c.type in ("choice", "list"):
        labels = [str(label) for _, label in c.choices if str(label)]
        parts.append("可选：" + "、".join(labels[:14]) + ("…" if len(labels) > 14 else ""))
    if c.type == "code" and c.lengths:
        parts.append("、".join(str(n) for n in c.lengths) + "位数字")
    return "；".join(parts)


def render_kinds() -> str:
    out: list[str] = []
    for k in all_kinds():
        out += [f"## {k.label}（`{k.key}`）", "", k.description, ""]
        out += ["| 列名 | 类型 | 必填 | 也可写作 | 示例 | 说明 |", "|---|---|---|---|---|---|"]
        for c in k.columns:
            out.append(
                f"| {c.label} | {c.type_label} | {'是' if c.required else ''} | {'、'.join(c.aliases)} | {c.example} | {_note(c)} |"
            )
        out.append("")
    return "\n".join(out)


def replace_section(text: str) -> str:
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{render_kinds()}\n{END}{tail}"
