"""The directory's URLs, included in ``experts.urls`` (namespace ``experts``, under /board/)."""

from django.urls import path

from experts.directory import views

urlpatterns = [
    path("clinics/", views.clinic_list, name="clinics"),
    path("clinics/new/", views.clinic_edit, name="clinic_new"),
    path("clinics/<int:pk>/", views.clinic_detail, name="clinic"),
    path("clinics/<int:pk>/edit/", views.clinic_edit, name="clinic_edit"),
    path("clinics/<int:pk>/delete/", views.clinic_delete, name="clinic_delete"),
    path("clinics/<int:pk>/departments/new/", views.department_edit, name="department_new"),
    path("clinics/<int:pk>/departments/<int:item>/edit/", views.department_edit, name="department_edit"),
    path("clinics/<int:pk>/departments/<int:item>/delete/", views.department_delete, name="department_delete"),
    path("clinics/<int:pk>/populations/new/", views.population_edit, name="population_new"),
    path("clinics/<int:pk>/populations/<int:item>/edit/", views.population_edit, name="population_edit"),
    path("clinics/<int:pk>/populations/<int:item>/delete/", views.population_delete, name="population_delete"),
    path("clinics/<int:pk>/contacts/new/", views.contact_edit, name="contact_new"),
    path("clinics/<int:pk>/contacts/<int:item>/edit/", views.contact_edit, name="contact_edit"),
    path("clinics/<int:pk>/contacts/<int:item>/delete/", views.contact_delete, name="contact_delete"),
]
