import datetime as dt

import factory

from jiaoyun.core import idcard
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher


class StudentFactory(factory.django.DjangoModelFactory):
    """A student without events (status 未入学); use ``enrol()`` helpers or services to add history."""

    class Meta:
        model = Student
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"学生{n}")
    sex = "M"
    birth_date = dt.date(2014, 3, 1)

    @factory.post_generation
    def id_number(obj, create, extracted, **kwargs):
        if extracted:
            obj.id_hash = idcard.match_hash(extracted)
            obj.id_cipher = idcard.encrypt(extracted)
            obj.id_masked = idcard.mask(extracted)
            if create:
                obj.save()


class EnrolmentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnrolmentEvent

    student = factory.SubFactory(StudentFactory)
    kind = "enrol"
    date = dt.date(2020, 9, 1)
    seq = 0
    grade = 1


class TeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teacher

    name = factory.Sequence(lambda n: f"教师{n}")
    sex = "F"
    birth_date = dt.date(1985, 5, 1)
    main_subject = "chinese"
    subjects = factory.LazyAttribute(lambda o: [o.main_subject])
    hire_date = dt.date(2008, 9, 1)
