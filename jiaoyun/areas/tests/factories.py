import factory

from jiaoyun.areas.models import Area, PopulationCell


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = "530521"
    name = "施甸县"
    level = "county"


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    parent = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"530521{100 + n:03d}")
    name = factory.Sequence(lambda n: f"测试乡{n}")
    level = "township"
    township_kind = "township"


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    parent = factory.SubFactory(TownshipFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}{200 + n:03d}")
    name = factory.Sequence(lambda n: f"测试村{n}")
    level = "village"


class PopulationCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PopulationCell

    area = factory.SubFactory(VillageFactory)
    year = 2021
    age = 6
    sex = "M"
    source = "hukou"
    count = 10
