from jiaoyun.people.models.students import EnrolmentEvent, Student
from jiaoyun.people.models.teachers import Teacher, TeacherAssignment

__all__ = ["EnrolmentEvent", "Student", "Teacher", "TeacherAssignment"]
