"""Writes of the directory. Every change staff make goes through here and
leaves an entry in the audit trail (``DirectoryChange``); so does every export
or erasure of a contact person's personal data."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext

from experts.directory.permissions import manages_directory
from experts.models import Clinic, ClinicalPopulation, ClinicContact, Department, DirectoryChange
from portal import audit
from portal.accounts.models import User
from portal.errors import ServiceError

Action = DirectoryChange.Action

CLINIC_FIELDS = (
    "name",
    "clinic_type",
    "city",
    "province",
    "ethics_committee",
    "website",
    "description",
    "experience_first_in_human",
    "experience_pilot",
    "experience_pivotal",
    "experience_post_market",
    "listing_consent_on",
    "listing_consent_expires_on",
)
DEPARTMENT_FIELDS = ("name",)
POPULATION_FIELDS = (
    "department",
    "condition",
    "icd10_code",
    "age_group",
    "care_setting",
    "patients_per_year",
    "includes_minors",
    "includes_incapacitated",
    "includes_pregnancy",
    "emergency_setting",
)
CONTACT_FIELDS = ("department", "full_name", "role", "email", "phone", "language", "consent_given_on")
# What erasure blanks; the row stays, so the introductions it took part in stay counted.
PERSONAL_FIELDS = ("full_name", "role", "email", "phone")

AUDITED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Clinic: CLINIC_FIELDS,
    Department: DEPARTMENT_FIELDS,
    ClinicalPopulation: POPULATION_FIELDS,
    ClinicContact: CONTACT_FIELDS,
}


class DirectoryError(ServiceError):
    """A change to the directory that is not allowed; its message is for the user."""


# The audit trail


def _plain(value):
    """A field's value as JSON: related objects by name, dates in ISO 8601."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(instance: models.Model) -> dict:
    """The audited fields of a clinic, department, population or contact, as JSON values."""
    return {name: _plain(getattr(instance, name)) for name in AUDITED_FIELDS[type(instance)]}


def changes_between(instance: models.Model, before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for the fields that differ. For a contact person
    only the names of the fields: their personal data never enter the audit trail."""
    if not before:  # a creation: what was filled in
        changed = {name: [None, value] for name, value in after.items() if value not in ("", None, False)}
    else:
        changed = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
    if isinstance(instance, ClinicContact):
        return dict.fromkeys(changed)
    return changed


def _describe(instance: models.Model) -> str:
    if isinstance(instance, ClinicContact):
        # Not the person's name: the audit trail outlives an erasure.
        return f"#{instance.pk}, {instance.clinic}"
    if isinstance(instance, Department):
        return f"{instance}, {instance.clinic}"
    return str(instance)


def record_change(
    *, actor: User | None, action: str, instance: models.Model, changes: dict | None = None
) -> DirectoryChange:
    """Write the audit entry of one change (the services call it, and so does the
    admin): the clinic's history, and the same entry in the portal's audit log."""
    description = _describe(instance)
    audit.record(
        actor=actor,
        action=f"directory.{action}",
        target=instance,
        details=changes or {},
        target_repr=description,
    )
    return DirectoryChange.objects.create(
        actor=actor,
        action=action,
        clinic_id=instance.pk if isinstance(instance, Clinic) else instance.clinic_id,
        object_type=instance._meta.model_name,
        object_id=instance.pk,
        object_repr=description[:200],
        changes=changes or {},
    )


# Common steps


def _refuse_unless_staff(user: User) -> None:
    if not manages_directory(user):
        raise DirectoryError(gettext("Your role does not allow this."))


def _check_names(model: type[models.Model], fields: dict) -> None:
    unknown = set(fields) - set(AUDITED_FIELDS[model])
    if unknown:
        raise TypeError(f"Not a field of {model.__name__} the directory edits: {', '.join(sorted(unknown))}")


def _validate(instance: models.Model) -> None:
    """The model's own field checks (ICD-10 format, choices, lengths, email):
    the domain rules are checked before, with their own messages."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise DirectoryError(" ".join(error.messages)) from error


def _save_new(*, staff: User, instance: models.Model, fields: dict) -> models.Model:
    for name, value in fields.items():
        setattr(instance, name, value)
    _validate(instance)
    instance.save()
    record_change(
        actor=staff, action=Action.CREATED, instance=instance, changes=changes_between(instance, {}, snapshot(instance))
    )
    return instance


def _save_changes(*, staff: User, instance: models.Model, fields: dict) -> models.Model:
    # Compared with the stored row: a bound ModelForm has already changed the instance.
    before = snapshot(type(instance).objects.get(pk=instance.pk))
    for name, value in fields.items():
        setattr(instance, name, value)
    _validate(instance)
    instance.save()
    changes = changes_between(instance, before, snapshot(instance))
    if changes:
        record_change(actor=staff, action=Action.UPDATED, instance=instance, changes=changes)
    return instance


def _delete(*, staff: User, instance: models.Model, refusal: str) -> None:
    record_change(actor=staff, action=Action.DELETED, instance=instance)
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError as error:
        raise DirectoryError(refusal) from error


# Clinics


def _check_consent(*, given_on: date | None, expires_on: date | None) -> None:
    if bool(given_on) != bool(expires_on):
        raise DirectoryError(gettext("Give both the date of the listing consent and the date it expires, or neither."))
    if given_on and expires_on < given_on:
        raise DirectoryError(gettext("The listing consent cannot expire before it was given."))


@transaction.atomic
def create_clinic(*, staff: User, **fields) -> Clinic:
    """Add a clinic to the directory; it is listed once its consent is recorded."""
    _refuse_unless_staff(staff)
    _check_names(Clinic, fields)
    _check_consent(given_on=fields.get("listing_consent_on"), expires_on=fields.get("listing_consent_expires_on"))
    return _save_new(staff=staff, instance=Clinic(), fields=fields)


@transaction.atomic
def update_clinic(*, staff: User, clinic: Clinic, **fields) -> Clinic:
    _refuse_unless_staff(staff)
    _check_names(Clinic, fields)
    _check_consent(
        given_on=fields.get("listing_consent_on", clinic.listing_consent_on),
        expires_on=fields.get("listing_consent_expires_on", clinic.listing_consent_expires_on),
    )
    return _save_changes(staff=staff, instance=clinic, fields=fields)


@transaction.atomic
def delete_clinic(*, staff: User, clinic: Clinic) -> None:
    """Remove a clinic with its departments, populations and contacts, unless
    introductions or investigations refer to it: they must stay counted."""
    _refuse_unless_staff(staff)
    refusal = gettext(
        "Introductions or investigations refer to this clinic, so it stays in the records. "
        "Let its listing consent lapse instead."
    )
    if clinic.introductions.exists() or clinic.investigations.exists() or clinic.feasibility_requests.exists():
        raise DirectoryError(refusal)
    _delete(staff=staff, instance=clinic, refusal=refusal)


# Departments


def _check_department_name(*, clinic: Clinic, name: str, department: Department | None = None) -> None:
    others = clinic.departments.filter(name__iexact=name.strip())
    if department is not None:
        others = others.exclude(pk=department.pk)
    if others.exists():
        raise DirectoryError(gettext("This clinic has a department with this name already."))


@transaction.atomic
def add_department(*, staff: User, clinic: Clinic, name: str) -> Department:
    _refuse_unless_staff(staff)
    _check_department_name(clinic=clinic, name=name)
    return _save_new(staff=staff, instance=Department(clinic=clinic), fields={"name": name.strip()})


@transaction.atomic
def update_department(*, staff: User, department: Department, name: str) -> Department:
    _refuse_unless_staff(staff)
    _check_department_name(clinic=department.clinic, name=name, department=department)
    return _save_changes(staff=staff, instance=department, fields={"name": name.strip()})


@transaction.atomic
def delete_department(*, staff: User, department: Department) -> None:
    """Remove a department; its populations and contacts stay with the clinic."""
    _refuse_unless_staff(staff)
    _delete(staff=staff, instance=department, refusal=gettext("This department cannot be deleted."))


# Clinical populations


def _check_department(*, clinic: Clinic, department: Department | None) -> None:
    if department is not None and department.clinic_id != clinic.pk:
        raise DirectoryError(gettext("Choose one of this clinic's departments."))


@transaction.atomic
def add_population(*, staff: User, clinic: Clinic, **fields) -> ClinicalPopulation:
    """Record a clinical population the clinic (or one of its departments) treats."""
    _refuse_unless_staff(staff)
    _check_names(ClinicalPopulation, fields)
    _check_department(clinic=clinic, department=fields.get("department"))
    return _save_new(staff=staff, instance=ClinicalPopulation(clinic=clinic), fields=fields)


@transaction.atomic
def update_population(*, staff: User, population: ClinicalPopulation, **fields) -> ClinicalPopulation:
    _refuse_unless_staff(staff)
    _check_names(ClinicalPopulation, fields)
    _check_department(clinic=population.clinic, department=fields.get("department", population.department))
    return _save_changes(staff=staff, instance=population, fields=fields)


@transaction.atomic
def delete_population(*, staff: User, population: ClinicalPopulation) -> None:
    _refuse_unless_staff(staff)
    refusal = gettext("Introductions refer to this population, so it stays in the records.")
    if population.introductions.exists():
        raise DirectoryError(refusal)
    _delete(staff=staff, instance=population, refusal=refusal)


# Contact persons


@transaction.atomic
def add_contact(*, staff: User, clinic: Clinic, **fields) -> ClinicContact:
    """Record a person at the clinic whom the board may write to (with their consent)."""
    _refuse_unless_staff(staff)
    _check_names(ClinicContact, fields)
    _check_department(clinic=clinic, department=fields.get("department"))
    return _save_new(staff=staff, instance=ClinicContact(clinic=clinic), fields=fields)


@transaction.atomic
def update_contact(*, staff: User, contact: ClinicContact, **fields) -> ClinicContact:
    _refuse_unless_staff(staff)
    _check_names(ClinicContact, fields)
    if contact.erased_at:
        raise DirectoryError(gettext("This person's data have been erased: add a new contact instead."))
    _check_department(clinic=contact.clinic, department=fields.get("department", contact.department))
    return _save_changes(staff=staff, instance=contact, fields=fields)


@transaction.atomic
def delete_contact(*, staff: User, contact: ClinicContact) -> None:
    """Remove a contact person, unless feasibility requests were sent to them:
    then their personal data are erased instead, and the requests stay counted."""
    _refuse_unless_staff(staff)
    refusal = gettext(
        "Feasibility requests were sent to this person, so the contact stays in the records. "
        "An administrator can erase their personal data instead."
    )
    if contact.feasibility_requests.exists():
        raise DirectoryError(refusal)
    _delete(staff=staff, instance=contact, refusal=refusal)


# Personal data of contact persons (GDPR Art. 15, 17 and 20)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def export_contact_data(contact: ClinicContact, *, staff: User) -> dict:
    """Everything the portal holds about a contact person, with their answers
    to feasibility requests and the history of their record; the export is recorded."""
    _refuse_unless_staff(staff)
    history = DirectoryChange.objects.filter(object_type=contact._meta.model_name, object_id=contact.pk).order_by(
        "created_at", "pk"
    )
    data = {
        "exported_at": timezone.now().isoformat(),
        "contact": {
            "id": contact.pk,
            "clinic": contact.clinic.name,
            "department": contact.department.name if contact.department else None,
            "full_name": contact.full_name,
            "role": contact.role,
            "email": contact.email,
            "phone": contact.phone,
            "language": contact.language,
            "consent_given_on": _iso(contact.consent_given_on),
            "created_at": _iso(contact.created_at),
            "erased_at": _iso(contact.erased_at),
        },
        "feasibility_requests": [
            {
                "introduction": request.introduction_id,
                "sent_at": _iso(request.created_at),
                "expires_at": _iso(request.expires_at),
                "answer": request.answer,
                "answered_at": _iso(request.answered_at),
                "comment": request.comment,
            }
            for request in contact.feasibility_requests.all()
        ],
        "history": [
            {"action": change.action, "at": _iso(change.created_at), "fields": sorted(change.changes)}
            for change in history
        ],
    }
    record_change(actor=staff, action=Action.EXPORTED, instance=contact)
    return data


@transaction.atomic
def erase_contact(contact: ClinicContact, *, staff: User) -> ClinicContact:
    """Blank a contact person's personal data on their request. The row stays,
    so that the introductions and feasibility requests it took part in stay counted."""
    _refuse_unless_staff(staff)
    if contact.erased_at:
        raise DirectoryError(gettext("This person's data have been erased already."))
    erased = [name for name in PERSONAL_FIELDS if getattr(contact, name)]
    for name in PERSONAL_FIELDS:
        setattr(contact, name, "")
    contact.erased_at = timezone.now()
    contact.save(update_fields=[*PERSONAL_FIELDS, "erased_at"])
    record_change(actor=staff, action=Action.ERASED, instance=contact, changes=dict.fromkeys(erased))
    return contact
