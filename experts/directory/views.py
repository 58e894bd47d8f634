"""The directory of the clinical network: the public list and clinic pages,
and staff's editing of clinics, departments, populations and contacts."""

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from experts.directory import services
from experts.directory.filters import ClinicFilter
from experts.directory.forms import ClinicForm, ContactForm, DepartmentForm, PopulationForm
from experts.directory.permissions import get_clinic_for_user, manages_directory
from experts.directory.selectors import clinic_directory, clinic_page
from experts.models import Clinic, ClinicalPopulation, ClinicContact, Department
from portal.accounts.permissions import capability_required
from portal.accounts.roles import Capability
from portal.pagecache import cached_page
from portal.shortcuts import require_form_methods, run_service

PAGE_SIZE = 20

staff_only = capability_required(Capability.MANAGE_DIRECTORY)


@require_safe
@cached_page
def clinic_list(request):
    """The public directory: listed clinics (all of them for staff), searched and filtered."""
    # Always bound: with no parameters it is valid and lists every clinic.
    filterset = ClinicFilter(request.GET, queryset=clinic_directory(request.user), user=request.user)
    clinics = filterset.qs if filterset.is_valid() else Clinic.objects.none()
    page = Paginator(clinics, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "experts/directory/clinic_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "may_manage": manages_directory(request.user),
        },
    )


@require_safe
def clinic_detail(request, pk: int):
    clinic = get_clinic_for_user(request.user, pk)
    context = clinic_page(user=request.user, clinic=clinic, history_page=request.GET.get("history_page"))
    return render(request, "experts/directory/clinic_detail.html", context)


@require_form_methods
@staff_only
def clinic_edit(request, pk: int | None = None):
    """Add a clinic (without ``pk``) or edit one."""
    clinic = get_clinic_for_user(request.user, pk) if pk else None
    form = ClinicForm(request.POST or None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        saved = {}

        def save():
            if clinic is None:
                saved["clinic"] = services.create_clinic(staff=request.user, **form.cleaned_data)
            else:
                saved["clinic"] = services.update_clinic(staff=request.user, clinic=clinic, **form.cleaned_data)

        if run_service(request, save, _("The clinic has been saved."), form=form):
            return redirect(saved["clinic"])
    return render(request, "experts/directory/clinic_form.html", {"form": form, "clinic": clinic})


def _confirm_delete(request, *, clinic: Clinic, question: str, delete: Callable, done: str, success: str):
    """A page asking to confirm a deletion (GET), and the deletion (POST)."""
    error = None
    if request.method == "POST":
        try:
            delete()
        except services.DirectoryError as refusal:
            error = str(refusal)
        else:
            messages.success(request, success)
            return redirect(done)
    return render(
        request,
        "experts/directory/confirm_delete.html",
        {"clinic": clinic, "question": question, "error": error},
        status=400 if error else 200,
    )


@require_form_methods
@staff_only
def clinic_delete(request, pk: int):
    clinic = get_clinic_for_user(request.user, pk)
    return _confirm_delete(
        request,
        clinic=clinic,
        question=_("Delete the clinic “%(name)s” with its departments, populations and contacts?") % {"name": clinic},
        delete=lambda: services.delete_clinic(staff=request.user, clinic=clinic),
        done=reverse("experts:clinics"),
        success=_("The clinic has been deleted."),
    )


# A clinic's departments, populations and contacts


def _clinic_part(clinic: Clinic, model, pk: int):
    return get_object_or_404(model.objects.select_related("clinic"), pk=pk, clinic=clinic)


def _edit_part(request, *, clinic: Clinic, form, title: str, save: Callable, success: str):
    if request.method == "POST" and form.is_valid() and run_service(request, save, success, form=form):
        return redirect(clinic)
    return render(request, "experts/directory/part_form.html", {"form": form, "clinic": clinic, "title": title})


@require_form_methods
@staff_only
def department_edit(request, pk: int, item: int | None = None):
    clinic = get_clinic_for_user(request.user, pk)
    department = _clinic_part(clinic, Department, item) if item else None
    form = DepartmentForm(request.POST or None, instance=department, clinic=clinic)

    def save():
        if department is None:
            services.add_department(staff=request.user, clinic=clinic, **form.cleaned_data)
        else:
            services.update_department(staff=request.user, department=department, **form.cleaned_data)

    title = _("Add a department") if department is None else _("Edit the department")
    return _edit_part(
        request, clinic=clinic, form=form, title=title, save=save, success=_("The department has been saved.")
    )


@require_form_methods
@staff_only
def department_delete(request, pk: int, item: int):
    clinic = get_clinic_for_user(request.user, pk)
    department = _clinic_part(clinic, Department, item)
    return _confirm_delete(
        request,
        clinic=clinic,
        question=_("Delete the department “%(name)s”? Its populations and contacts stay with the clinic.")
        % {"name": department},
        delete=lambda: services.delete_department(staff=request.user, department=department),
        done=clinic.get_absolute_url(),
        success=_("The department has been deleted."),
    )


@require_form_methods
@staff_only
def population_edit(request, pk: int, item: int | None = None):
    clinic = get_clinic_for_user(request.user, pk)
    population = _clinic_part(clinic, ClinicalPopulation, item) if item else None
    form = PopulationForm(request.POST or None, instance=population, clinic=clinic)

    def save():
        if population is None:
            services.add_population(staff=request.user, clinic=clinic, **form.cleaned_data)
        else:
            services.update_population(staff=request.user, population=population, **form.cleaned_data)

    title = _("Add a clinical population") if population is None else _("Edit the clinical population")
    return _edit_part(
        request, clinic=clinic, form=form, title=title, save=save, success=_("The clinical population has been saved.")
    )


@require_form_methods
@staff_only
def population_delete(request, pk: int, item: int):
    clinic = get_clinic_for_user(request.user, pk)
    population = _clinic_part(clinic, ClinicalPopulation, item)
    return _confirm_delete(
        request,
        clinic=clinic,
        question=_("Delete the clinical population “%(name)s”?") % {"name": population.condition},
        delete=lambda: services.delete_population(staff=request.user, population=population),
        done=clinic.get_absolute_url(),
        success=_("The clinical population has been deleted."),
    )


@require_form_methods
@staff_only
def contact_edit(request, pk: int, item: int | None = None):
    clinic = get_clinic_for_user(request.user, pk)
    contact = _clinic_part(clinic, ClinicContact, item) if item else None
    if contact is not None and contact.erased_at:
        raise Http404  # nothing left to edit
    form = ContactForm(request.POST or None, instance=contact, clinic=clinic)

    def save():
        if contact is None:
            services.add_contact(staff=request.user, clinic=clinic, **form.cleaned_data)
        else:
            services.update_contact(staff=request.user, contact=contact, **form.cleaned_data)

    title = _("Add a contact person") if contact is None else _("Edit the contact person")
    return _edit_part(
        request, clinic=clinic, form=form, title=title, save=save, success=_("The contact person has been saved.")
    )


@require_form_methods
@staff_only
def contact_delete(request, pk: int, item: int):
    clinic = get_clinic_for_user(request.user, pk)
    contact = _clinic_part(clinic, ClinicContact, item)
    return _confirm_delete(
        request,
        clinic=clinic,
        question=_("Delete the contact person “%(name)s”?") % {"name": contact},
        delete=lambda: services.delete_contact(staff=request.user, contact=contact),
        done=clinic.get_absolute_url(),
        success=_("The contact person has been deleted."),
    )
