"""The demo funded projects and counselling cases (``experts.demo``), as
``seed_demo`` loads them: complete, consistent and loaded once."""

import pytest

from experts.demo import GAIT_TITLE, WOUND_TITLE, seed_counselling
from experts.models import CounsellingCase, CounsellingMeeting, FundedProject
from portal.accounts.models import Notification, Organisation
from portal.accounts.roles import Role
from portal.management.commands.seed_demo import ORGANISATIONS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    organisations = {
        name: Organisation.objects.create(name=name, kind=kind, city=city) for name, kind, city in ORGANISATIONS
    }
    members = [
        UserFactory(role=Role.MEMBER, organisation=organisations["Brianza Medical Devices S.r.l."]),
        UserFactory(role=Role.MEMBER, organisation=organisations["NeuroPasso S.r.l."]),
    ]
    experts = [UserFactory(role=Role.EXPERT, organisation=None) for _ in range(3)]
    staff = UserFactory(role=Role.STAFF, organisation=organisations["Cluster Tecnologie per gli Ambienti di Vita"])
    return {"organisations": organisations, "members": members, "experts": experts, "staff": staff}


def test_the_demo_has_two_projects_with_a_case_each(demo):
    assert seed_counselling(**demo) == 2

    gait = FundedProject.objects.get(title=GAIT_TITLE)
    wound = FundedProject.objects.get(title=WOUND_TITLE)
    assert {organisation.name for organisation in gait.beneficiaries.all()} >= {
        "NeuroPasso S.r.l.",
        "Politecnico di Milano",
    }
    assert "Brianza Medical Devices S.r.l." in {organisation.name for organisation in wound.beneficiaries.all()}
    assert gait.call != wound.call
    assert "<strong>biofeedback</strong>" in gait.clinical_aims_html

    in_progress = CounsellingCase.objects.get(project=gait)
    assert in_progress.status == CounsellingCase.Status.IN_PROGRESS
    assert (in_progress.requested_by, in_progress.organisation.name) == (demo["members"][1], "NeuroPasso S.r.l.")
    assert set(in_progress.experts.all()) == {demo["experts"][0], demo["experts"][2]}
    meetings = list(in_progress.meetings.all())
    assert len(meetings) == 2
    assert meetings[0].held_on > meetings[1].held_on >= in_progress.created_at.date()
    assert all(meeting.created_at.date() > meeting.held_on for meeting in meetings)
    notes = " ".join(meeting.notes for meeting in meetings)
    for fact in ("art. 62", "ISO 14155:2020", "MDCG 2021-8", "comitato etico", "39 pazienti per braccio"):
        assert fact in notes
    assert demo["members"][1].full_name in meetings[0].attendees
    assert "{" not in notes + meetings[0].outcomes

    requested = CounsellingCase.objects.get(project=wound)
    assert requested.status == CounsellingCase.Status.REQUESTED
    assert (requested.requested_by, list(requested.experts.all())) == (demo["members"][0], [])
    assert Notification.objects.filter(recipient=demo["staff"], kind="counselling_requested").count() == 2


def test_seeding_twice_changes_nothing(demo):
    seed_counselling(**demo)
    counts = (
        FundedProject.objects.count(),
        CounsellingCase.objects.count(),
        CounsellingMeeting.objects.count(),
        Notification.objects.count(),
    )

    assert seed_counselling(**demo) == 2
    assert counts == (
        FundedProject.objects.count(),
        CounsellingCase.objects.count(),
        CounsellingMeeting.objects.count(),
        Notification.objects.count(),
    )
