import factory

from jiaoyun.areas.tests.factories import TownshipFactory
from jiaoyun.schools.models import School, SchoolClass


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"2153{n:06d}")
    name = factory.Sequence(lambda n: f"测试小学{n}")
    kind = "primary"
    ownership = "public"
    township = factory.SubFactory(TownshipFactory)


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    school = factory.SubFactory(SchoolFactory)
    school_year = 2021
    grade = 1
    number = factory.Sequence(lambda n: n + 1)
