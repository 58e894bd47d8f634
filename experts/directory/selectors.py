"""Reads of the directory that span models: the search (fuzzy on PostgreSQL),
the clinic's page and its history, each in a fixed number of queries."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import FloatField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from experts.directory.permissions import manages_directory, may_request_introduction, sees_contacts
from experts.models import Clinic, ClinicalPopulation, Department, DirectoryChange

HISTORY_PAGE_SIZE = 20


@dataclass(frozen=True)
class SpecialPopulation:
    """One of the special cases of MDR Articles 64 to 68, flagged on a population."""

    field: str
    article: int
    label: Promise
    rule: Promise


SPECIAL_POPULATIONS = [
    SpecialPopulation(
        "includes_incapacitated",
        64,
        _("Incapacitated adults"),
        _(
            "Only with the informed consent of their legally designated representative, when data of comparable "
            "validity cannot be obtained from people able to consent and the investigation concerns their condition."
        ),
    ),
    SpecialPopulation(
        "includes_minors",
        65,
        _("Minors"),
        _(
            "With the informed consent of their legally designated representative; minors are informed in a way "
            "suited to their age and their refusal is respected. The investigation must concern a condition of minors."
        ),
    ),
    SpecialPopulation(
        "includes_pregnancy",
        66,
        _("Pregnant or breastfeeding women"),
        _(
            "Only with a potential direct benefit for the woman, the embryo, foetus or child, or with minimal risk "
            "and burden when the investigation cannot be done with other women."
        ),
    ),
    SpecialPopulation(
        "emergency_setting",
        68,
        _("Emergency situations"),
        _(
            "Consent may be sought after the subject is included, when the urgency of the condition prevents it "
            "beforehand and no legally designated representative can be reached in time."
        ),
    ),
]


def special_cases(population: ClinicalPopulation) -> list[SpecialPopulation]:
    return [case for case in SPECIAL_POPULATIONS if getattr(population, case.field)]


# The directory and its search


def fuzzy_search_available() -> bool:
    """Trigram search needs PostgreSQL (pg_trgm); SQLite, on a first run, matches substrings."""
    return connection.vendor == "postgresql"


def search_words(term: str) -> list[str]:
    """The words of a search that count: three letters or more (a lone "2" or
    "di" would resemble too much), or the whole term if none is that long."""
    words = [word for word in term.split() if len(word) >= 3]
    return words or [term.strip()]


def _similar(field: str, term: str) -> Q:
    """Every word of ``term`` resembles a word of ``field``: "diabete tipo 2"
    finds "Diabete mellito di tipo 2", "cardiolgia" finds "Cardiologia".

    On PostgreSQL each word is compared with ``%>`` (word similarity above
    pg_trgm's threshold, 0.6 by default), which the GIN trigram indexes of
    migration 0006 serve; on SQLite each must be a substring."""
    lookup = "trigram_word_similar" if fuzzy_search_available() else "icontains"
    condition = Q()
    for word in search_words(term):
        condition &= Q(**{f"{field}__{lookup}": word})
    return condition


def clinic_directory(user) -> QuerySet:
    """The clinics ``user`` may find: the listed ones, and every one for staff."""
    return Clinic.objects.visible_to(user)


def matching_clinics(queryset: QuerySet, *, term: str = "", populations: Q | None = None) -> QuerySet:
    """The clinics of ``queryset`` whose name or one of whose populations'
    conditions resembles ``term`` and which treat a population meeting
    ``populations`` (all its criteria on one population). Each comes with the
    populations that match, as ``matching_populations``; with a term they are
    ranked by similarity (on PostgreSQL), else ordered by name."""
    term = term.strip()
    populations = populations or Q()
    wanted = ClinicalPopulation.objects.filter(populations)
    shown = populations
    if term:
        # Two subqueries, each served by its trigram index (an OR between a
        # column and a subquery would make PostgreSQL scan every clinic's name).
        by_name = Q(pk__in=Clinic.objects.filter(_similar("name", term)).values("pk"))
        if populations:
            by_name &= Q(pk__in=wanted.values("clinic_id"))
        by_condition = Q(pk__in=wanted.filter(_similar("condition", term)).values("clinic_id"))
        queryset = queryset.filter(by_name | by_condition)
        # A clinic found by its name shows all its populations; one found by a
        # condition, the populations with that condition.
        shown = populations & (_similar("condition", term) | _similar("clinic__name", term))
    elif populations:
        queryset = queryset.filter(pk__in=wanted.values("clinic_id"))

    if term and fuzzy_search_available():
        best_condition = (
            wanted.filter(clinic=OuterRef("pk"))
            .annotate(similarity=TrigramWordSimilarity(term, "condition"))
            .order_by("-similarity")
            .values("similarity")[:1]
        )
        queryset = queryset.annotate(
            relevance=Greatest(
                TrigramWordSimilarity(term, "name"),
                Coalesce(Subquery(best_condition, output_field=FloatField()), Value(0.0)),
            )
        ).order_by("-relevance", "name", "pk")
    else:
        queryset = queryset.order_by("name", "pk")
    matching = ClinicalPopulation.objects.filter(shown).select_related("department").order_by("condition", "pk")
    return queryset.prefetch_related(Prefetch("populations", queryset=matching, to_attr="matching_populations"))


# The clinic's page


@dataclass
class DepartmentSection:
    department: Department | None
    populations: list


@dataclass
class ChangeLine:
    label: str
    old: str | None
    new: str | None
    recorded: bool  # False for contact persons: which field changed, not its values


def _display(field, value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _change_lines(change: DirectoryChange) -> list[ChangeLine]:
    model = apps.get_model("experts", change.object_type)
    lines = []
    for name, values in change.changes.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field removed since: show its name
            field = None
        label = str(field.verbose_name) if field is not None else name
        if values is None:
            lines.append(ChangeLine(label, None, None, recorded=False))
        else:
            old, new = values
            lines.append(ChangeLine(label, _display(field, old), _display(field, new), recorded=True))
    return lines


def clinic_history(clinic: Clinic, *, page_number=None) -> Page:
    """The audit entries of the clinic and of its departments, populations and
    contacts (deleted ones included), newest first."""
    changes = DirectoryChange.objects.filter(clinic=clinic).select_related("actor").order_by("-created_at", "-pk")
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(page_number)
    for change in page:
        change.object_label = apps.get_model("experts", change.object_type)._meta.verbose_name
        change.lines = _change_lines(change)
    return page


def clinic_page(*, user, clinic: Clinic, history_page=None) -> dict:
    """Everything the clinic's page shows: its departments with their
    populations, the contacts for those who may see them, the history for staff."""
    departments = list(clinic.departments.all())
    populations = list(clinic.populations.select_related("department").order_by("condition", "pk"))
    present = set()
    for population in populations:
        population.special_cases = special_cases(population)
        present.update(case.field for case in population.special_cases)
    sections = [
        DepartmentSection(department, [p for p in populations if p.department_id == department.pk])
        for department in departments
    ]
    without_department = [p for p in populations if p.department_id is None]
    if without_department or not sections:
        sections.append(DepartmentSection(None, without_department))

    manages = manages_directory(user)
    contacts = None
    if sees_contacts(user):
        contacts = clinic.contacts.select_related("department").order_by("erased_at", "full_name", "pk")
        # Experts write only to those who agreed; staff also see the others, to fix them.
        contacts = list(contacts if manages else contacts.reachable())
    return {
        "clinic": clinic,
        "listed": clinic.is_listed(),
        "departments": departments,
        "sections": sections,
        "population_count": len(populations),
        "special_populations": [case for case in SPECIAL_POPULATIONS if case.field in present],
        "contacts": contacts,
        "history": clinic_history(clinic, page_number=history_page) if manages else None,
        "may_manage": manages,
        "may_request_introduction": may_request_introduction(user),
    }
