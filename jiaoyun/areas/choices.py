from django.db import models


class AreaLevel(models.TextChoices):
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡镇"
    VILLAGE = "village", "行政村/社区"


class TownshipKind(models.TextChoices):
    TOWN = "town", "镇"
    TOWNSHIP = "township", "乡"
    ETHNIC = "ethnic", "民族乡"
    NA = "", "—"


class UrbanRural(models.TextChoices):
    """统计用城乡分类 (simplified to the three classes education statistics use)."""

    URBAN = "urban", "城区"
    TOWN = "town", "镇区"
    RURAL = "rural", "乡村"


class PopulationSource(models.TextChoices):
    HUKOU = "hukou", "户籍人口"
    RESIDENT = "resident", "常住人口"
