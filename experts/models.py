from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Topic(models.Model):
    """An area of the board's expertise: the taxonomy that questions, experts
    and guidelines share. Curated by staff, bilingual."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_it = models.CharField(_("name (Italian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_it

    @property
    def description(self) -> str:
        return self.description_en if get_language() == "en" else self.description_it


class Sector(models.TextChoices):
    RESEARCH = "research", _("Research")
    UNIVERSITY = "university", _("University")
    CLINICAL = "clinical", _("Clinical")
    INDUSTRY = "industry", _("SME and industry")


class ExpertProfileQuerySet(models.QuerySet):
    def listed(self):
        """Profiles shown on the public board page."""
        return self.filter(is_listed=True, user__is_active=True, user__role="expert")


class ExpertProfile(models.Model):
    """What the board and the public know of an expert."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="expert_profile", verbose_name=_("expert")
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    affiliation = models.CharField(
        _("affiliation"), max_length=200, help_text=_("Institution and department, as it should appear.")
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("expertise"), related_name="experts", blank=True)
    speaks_italian = models.BooleanField(_("speaks Italian"), default=True)
    speaks_english = models.BooleanField(_("speaks English"), default=True)
    bio = models.TextField(_("short biography"), max_length=1_500, blank=True)
    accepts_questions = models.BooleanField(_("currently accepts questions"), default=True)
    declaration_of_interests = models.TextField(
        _("declaration of interests"),
        max_length=3_000,
        blank=True,
        help_text=_("Roles, consultancies, shareholdings or funding that could bear on your answers."),
    )
    declaration_updated_at = models.DateField(_("declaration updated on"), null=True, blank=True)
    is_listed = models.BooleanField(_("listed on the public board page"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExpertProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_sector_display()})"

    def get_absolute_url(self) -> str:
        return reverse("experts:profile", args=[self.pk])

    @property
    def languages(self) -> list[str]:
        spoken = []
        if self.speaks_italian:
            spoken.append(_("Italian"))
        if self.speaks_english:
            spoken.append(_("English"))
        return spoken
