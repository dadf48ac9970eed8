"""The built-in import formats; importing this package registers them (later modules register their own)."""

from jiaoyun.exchange.kinds import areas, finance, people, schools, students  # noqa: F401
