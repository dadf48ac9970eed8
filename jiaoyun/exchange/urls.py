from django.urls import path

from jiaoyun.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.imports, name="imports"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/confirm/", views.batch_confirm, name="confirm"),
    path("batches/<int:pk>/cancel/", views.batch_cancel, name="cancel"),
    path("batches/<int:pk>/rejects.xlsx", views.batch_rejects, name="rejects"),
    path("<slug:kind>/upload/", views.upload, name="upload"),
    path("<slug:kind>/template.xlsx", views.template, name="template"),
    path("<slug:kind>/export/", views.export_kind, name="export"),
]
