from django.urls import path

from jiaoyun.web import views
from jiaoyun.web.workplace import views as workplace

app_name = "web"

urlpatterns = [
    path("", workplace.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/totp/", views.login_totp, name="login_totp"),
    path("logout/", views.logout_view, name="logout"),
    path("account/password/", views.password_change_view, name="password_change"),
    path("audit/", views.audit_list, name="audit"),
    path("jobs/", views.jobs, name="jobs"),
    path("healthz", views.healthz, name="healthz"),
]
