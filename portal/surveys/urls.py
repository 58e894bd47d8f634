from django.urls import path

from portal.surveys import views

app_name = "surveys"

urlpatterns = [
    # Staff: the builder and the results.
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/preview/", views.survey_preview, name="preview"),
    path("<int:pk>/publish/", views.survey_publish, name="publish"),
    path("<int:pk>/invite/", views.survey_invite, name="invite"),
    path("<int:pk>/remind/", views.survey_remind, name="remind"),
    path("<int:pk>/questions/new/", views.question_new, name="question_new"),
    path("<int:pk>/questions/<int:question_pk>/edit/", views.question_edit, name="question_edit"),
    path("<int:pk>/questions/<int:question_pk>/move/", views.question_move, name="question_move"),
    path("<int:pk>/questions/<int:question_pk>/delete/", views.question_delete, name="question_delete"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results/<int:question_pk>/", views.text_answers, name="texts"),
    path("<int:pk>/export.csv", views.export_csv, name="export"),
    # Respondents.
    path("mine/", views.my_surveys, name="mine"),
    path("<int:pk>/respond/", views.respond, name="respond"),
    path("<int:pk>/thanks/", views.thanks, name="thanks"),
    path("invitation/<str:token>/", views.respond_invitation, name="invitation"),
    path("public/<str:key>/", views.respond_public, name="public"),
]
