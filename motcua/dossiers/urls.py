from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("ho-so/", views.queue, name="queue"),
    path("ho-so/xuat.xlsx", views.queue_export, name="queue_export"),
    path("ho-so/tiep-nhan/", views.intake, name="intake"),
    path("ho-so/so-theo-doi/", views.book, name="book"),
    path("ho-so/tiep-nhan/thu-tuc/", views.procedure_picker, name="procedure_picker"),
    path("ho-so/tiep-nhan/giay-to/", views.procedure_checklist, name="procedure_checklist"),
    path("ho-so/tiep-nhan/doc-the/", views.card_read, name="card_read"),
    path("ho-so/luot-tiep/<int:pk>/", views.visit_detail, name="visit"),
    path("ho-so/luot-tiep/<int:pk>/phieu.pdf", views.visit_slip, name="visit_slip"),
    path("ho-so/<str:code>/", views.detail, name="detail"),
    path("ho-so/<str:code>/hanh-dong/<str:action>/", views.act, name="act"),
    path("ho-so/<str:code>/can-bo-nhan/", views.transfer_receivers_options, name="transfer_receivers"),
    path("ho-so/<str:code>/phieu/<str:form>.pdf", views.slip, name="slip"),
    path("ho-so/<str:code>/giay-to/<int:doc_id>/", views.document, name="document"),
    path("ho-so/<str:code>/giay-to/<int:doc_id>/tep", views.document_file, name="document_file"),
    path("tra-cuu/", views.lookup, name="lookup"),
]
