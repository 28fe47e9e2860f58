from django.urls import path

from motcua.satisfaction import survey_views, views

app_name = "satisfaction"
urlpatterns = [
    # Staff pages first: the rating link below takes any token.
    path("thong-ke/", views.aggregates, name="aggregates"),
    path("thong-ke/don-vi/<str:unit_code>/", views.drilldown_unit, name="drilldown_unit"),
    path("thong-ke/ho-so/<str:code>/", views.drilldown_dossier, name="drilldown_dossier"),
    path("quay/", views.kiosk, name="kiosk"),  # the counter tablet's waiting screen
    path("quay/thoat/", views.kiosk_leave_view, name="kiosk_leave"),  # the officer's password
    # Surveys (RULES.md §3.1): staff pages, then the respondent's one-use link.
    path("khao-sat/dot/", survey_views.campaign_list, name="campaign_list"),
    path("khao-sat/dot/tao/", survey_views.campaign_new, name="campaign_new"),
    path("khao-sat/dot/<int:pk>/", survey_views.campaign_detail, name="campaign_detail"),
    path("khao-sat/dot/<int:pk>/nhap-phieu/", survey_views.campaign_paper, name="campaign_paper"),
    path("khao-sat/dot/<int:pk>/ket-qua.xlsx", survey_views.campaign_results_xlsx, name="campaign_results_xlsx"),
    path("khao-sat/dot/<int:pk>/phieu.xlsx", survey_views.campaign_answers_xlsx, name="campaign_answers_xlsx"),
    path("khao-sat/dot/<int:pk>/<str:action>/", survey_views.campaign_act, name="campaign_act"),
    path("khao-sat/<str:token>/", survey_views.survey_answer, name="survey_answer"),
    path("<str:token>/", views.rate, name="rate"),
]
