"""The board's clinical network: clinics, their departments and clinical
populations, and the people to contact there."""

from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import Capability, user_can


class ClinicType(models.TextChoices):
    IRCCS = "irccs", _("IRCCS (research hospital)")
    UNIVERSITY_HOSPITAL = "university_hospital", _("University hospital")
    PUBLIC_HOSPITAL = "asst", _("Public hospital (ASST)")
    PRIVATE_HOSPITAL = "private_accredited", _("Accredited private hospital")
    RESEARCH_CENTRE = "research_centre", _("Research centre")


class Province(models.TextChoices):
    """The twelve provinces of Lombardy (and the metropolitan city of Milan)."""

    BG = "BG", "Bergamo"
    BS = "BS", "Brescia"
    CO = "CO", "Como"
    CR = "CR", "Cremona"
    LC = "LC", "Lecco"
    LO = "LO", "Lodi"
    MN = "MN", "Mantova"
    MI = "MI", "Milano"
    MB = "MB", "Monza e Brianza"
    PV = "PV", "Pavia"
    SO = "SO", "Sondrio"
    VA = "VA", "Varese"


class AgeGroup(models.TextChoices):
    PAEDIATRIC = "paediatric", _("Paediatric")
    ADULT = "adult", _("Adult")
    ELDERLY = "elderly", _("Elderly")


class CareSetting(models.TextChoices):
    INPATIENT = "inpatient", _("Inpatient")
    OUTPATIENT = "outpatient", _("Outpatient")
    HOME = "home", _("Home care")


class ClinicQuerySet(models.QuerySet):
    def listed(self, today: date | None = None):
        """Clinics whose listing consent is given and not expired."""
        today = today or timezone.localdate()
        return self.filter(listing_consent_on__isnull=False, listing_consent_expires_on__gte=today)

    def visible_to(self, user):
        """Staff see every clinic (to renew consents); everyone else the listed ones."""
        if user_can(user, Capability.MANAGE_DIRECTORY):
            return self
        return self.listed()


class Clinic(models.Model):
    """A hospital or research centre where a device could be investigated."""

    name = models.CharField(_("name"), max_length=200)
    clinic_type = models.CharField(_("type"), max_length=32, choices=ClinicType.choices)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    ethics_committee = models.CharField(
        _("competent ethics committee"),
        max_length=200,
        help_text=_("The territorial ethics committee (CET) that reviews the clinic's investigations."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), max_length=3_000, blank=True)
    # Experience with clinical investigations of medical devices.
    experience_first_in_human = models.BooleanField(_("first-in-human investigations"), default=False)
    experience_pilot = models.BooleanField(_("pilot investigations"), default=False)
    experience_pivotal = models.BooleanField(_("pivotal investigations"), default=False)
    experience_post_market = models.BooleanField(_("post-market clinical follow-up"), default=False)
    # The clinic agreed to be listed; past the expiry it is shown to staff only.
    listing_consent_on = models.DateField(_("listing consent given on"), null=True, blank=True)
    listing_consent_expires_on = models.DateField(_("listing consent expires on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        indexes = [models.Index(fields=["province", "clinic_type"], name="experts_clinic_where")]
        constraints = [
            models.CheckConstraint(
                condition=Q(listing_consent_on__isnull=True)
                | Q(listing_consent_expires_on__isnull=False, listing_consent_expires_on__gte=F("listing_consent_on")),
                name="experts_clinic_consent_expiry_after_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("experts:clinic", args=[self.pk])

    def is_listed(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(
            self.listing_consent_on and self.listing_consent_expires_on and self.listing_consent_expires_on >= today
        )

    @property
    def experience(self) -> list[str]:
        """The kinds of device investigation the clinic has run, as labels."""
        kinds = [
            (self.experience_first_in_human, _("first-in-human")),
            (self.experience_pilot, _("pilot")),
            (self.experience_pivotal, _("pivotal")),
            (self.experience_post_market, _("post-market follow-up")),
        ]
        return [label for has, label in kinds if has]


class Department(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["clinic", "name"], name="experts_department_once")]

    def __str__(self) -> str:
        return self.name


icd10_validator = RegexValidator(
    r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$", _("An ICD-10 code is a letter, two digits and an optional part: E11.9.")
)


class ClinicalPopulation(models.Model):
    """Patients a clinic (or one of its departments) treats, in which a device could be tested.

    The flags mark the special cases of MDR Articles 64 to 68, which add
    conditions to an investigation."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="populations")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="populations",
    )
    condition = models.CharField(_("condition"), max_length=200)
    icd10_code = models.CharField(_("ICD-10 code"), max_length=8, validators=[icd10_validator])
    age_group = models.CharField(_("age group"), max_length=16, choices=AgeGroup.choices)
    care_setting = models.CharField(_("care setting"), max_length=16, choices=CareSetting.choices)
    patients_per_year = models.PositiveIntegerField(_("patients a year (indicative)"), null=True, blank=True)
    includes_minors = models.BooleanField(_("minors (MDR Art. 65)"), default=False)
    includes_incapacitated = models.BooleanField(_("incapacitated adults (MDR Art. 64)"), default=False)
    includes_pregnancy = models.BooleanField(_("pregnant or breastfeeding women (MDR Art. 66)"), default=False)
    emergency_setting = models.BooleanField(_("emergency situations (MDR Art. 68)"), default=False)

    class Meta:
        ordering = ["clinic__name", "condition"]
        verbose_name = _("clinical population")
        verbose_name_plural = _("clinical populations")
        indexes = [models.Index(fields=["icd10_code"], name="experts_population_icd10")]

    def __str__(self) -> str:
        return f"{self.condition} ({self.icd10_code}), {self.clinic}"

    @property
    def is_vulnerable(self) -> bool:
        return self.includes_minors or self.includes_incapacitated or self.includes_pregnancy or self.emergency_setting


class ClinicContactQuerySet(models.QuerySet):
    def reachable(self):
        """Contacts who consented and whose data has not been erased."""
        return self.filter(consent_given_on__isnull=False, erased_at__isnull=True)


class ClinicContact(models.Model):
    """A person at a clinic whom the board may write to. Personal data: seen by
    staff and experts only; members reach clinics through introductions."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="contacts")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(
        _("role"), max_length=150, help_text=_("e.g. Principal investigator, Clinical trial office.")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    consent_given_on = models.DateField(
        _("consent given on"),
        null=True,
        blank=True,
        help_text=_("When the person agreed to be contacted by the board."),
    )
    # Erasure on request keeps the row (the introductions it took part in
    # stay counted) and removes the personal data.
    erased_at = models.DateTimeField(_("personal data erased on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ClinicContactQuerySet.as_manager()

    class Meta:
        ordering = ["clinic__name", "full_name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.full_name if not self.erased_at else str(_("erased contact"))


class DirectoryChange(models.Model):
    """The audit trail: every change staff make to the directory, and every
    export or erasure of a contact's personal data."""

    class Action(models.TextChoices):
        # Nouns, so that the labels agree with any object in Italian.
        CREATED = "created", _("creation")
        UPDATED = "updated", _("change")
        DELETED = "deleted", _("deletion")
        EXPORTED = "exported", _("export of personal data")
        ERASED = "erased", _("erasure of personal data")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    # The clinic the changed object belongs to, so that the clinic's history
    # keeps the departments, populations and contacts deleted since.
    clinic = models.ForeignKey(
        Clinic,
        verbose_name=_("clinic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_changes",
    )
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object ID"))
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("directory change")
        verbose_name_plural = _("directory changes")
        indexes = [models.Index(fields=["object_type", "object_id"], name="experts_dirchange_object")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.object_repr}"
