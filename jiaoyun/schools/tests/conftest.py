from jiaoyun.people.tests.fixtures import *  # noqa: F403
