from ninja import Schema

from jiaoyun.areas.models import Area


class AreaOut(Schema):
    id: int
    code: str
    name: str
    level: str
    level_label: str
    parent_id: int | None
    parent_code: str | None
    urban_rural: str
    is_seat: bool

    @staticmethod
    def resolve_level_label(obj: Area) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_parent_code(obj: Area) -> str | None:
        return obj.parent.code if obj.parent else None


class AreaFilter(Schema):
    level: str | None = None
    parent: int | None = None
    q: str | None = None


class PopulationRowOut(Schema):
    age: int
    male: int
    female: int
    total: int


class PopulationOut(Schema):
    area_id: int
    year: int
    source: str
    rows: list[PopulationRowOut]
