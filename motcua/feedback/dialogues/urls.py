from django.urls import path

from motcua.feedback.dialogues import views

app_name = "dialogues"
urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("quan-ly/", views.staff_list, name="staff_list"),
    path("quan-ly/len-ke-hoach/", views.plan, name="plan"),
    path("quan-ly/<str:code>/", views.staff_detail, name="staff_detail"),
    path("quan-ly/<str:code>/cau-hoi/", views.record_question, name="record_question"),
    path("quan-ly/<str:code>/cau-hoi/<int:seq>/tra-loi/", views.answer, name="answer"),
    path("quan-ly/<str:code>/bien-ban/", views.save_minutes, name="save_minutes"),
    path("quan-ly/<str:code>/cam-ket/", views.commit, name="commit"),
    path("quan-ly/<str:code>/cam-ket/<int:seq>/minh-chung/", views.evidence, name="evidence"),
    path("quan-ly/<str:code>/cam-ket/<int:seq>/<str:action>/", views.commitment_action, name="commitment_act"),
    path("quan-ly/<str:code>/<str:action>/", views.act, name="act"),
    path("<str:code>/", views.public_detail, name="public_detail"),
    path("<str:code>/bien-ban/", views.public_minutes, name="public_minutes"),
]
