from django.db import models
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
