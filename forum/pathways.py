"""The suggested regulatory pathway of a question's device context.

An orientation following the logic of MDCG 2021-6 (questions and answers on
clinical investigations under Regulation (EU) 2017/745), never advice: the
page says so wherever it shows one.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Pathway:
    article: str
    label: str
    explanation: str


ART_62 = Pathway(
    "62",
    _("MDR Art. 62"),
    _(
        "A device without CE marking for this purpose, investigated to show its conformity: the clinical "
        "investigation follows Articles 62 to 81 and Annex XV. If the investigation is not meant to show "
        "conformity, Article 82 and national rules apply instead."
    ),
)
ART_74_1 = Pathway(
    "74(1)",
    _("MDR Art. 74(1)"),
    _(
        "A post-market clinical follow-up investigation of a CE-marked device within its intended purpose: "
        "notify the competent authority at least 30 days before starting if subjects undergo procedures "
        "additional to normal use that are invasive or burdensome."
    ),
)
ART_74_2 = Pathway(
    "74(2)",
    _("MDR Art. 74(2)"),
    _(
        "A CE-marked device investigated outside its intended purpose: Articles 62 to 81 apply, as for a "
        "device without CE marking."
    ),
)


def suggest_pathway(*, ce_marked: bool | None, within_intended_purpose: bool | None) -> Pathway | None:
    """The pathway the device context points to, or None when it does not say enough."""
    if ce_marked is False:
        return ART_62
    if ce_marked is True and within_intended_purpose is True:
        return ART_74_1
    if ce_marked is True and within_intended_purpose is False:
        return ART_74_2
    return None
