import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.utils import timezone

from experts.models import (
    Clinic,
    ClinicalPopulation,
    ClinicContact,
    ExpertProfile,
    FacilitatedInvestigation,
    Introduction,
    InvestigationStage,
    Sector,
    Topic,
)
from forum.models import Answer, Assignment, FAQEntry, Question
from guidelines.models import Editor, Thread, Version
from portal.accounts.models import Organisation, User
from portal.accounts.roles import Role

ROOT = Path(__file__).resolve().parents[2]


def _run_python(code: str, **env) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter, with ``env`` instead of this run's settings."""
    unset = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def _import_settings(**env):
    return _run_python("import portal.settings", **env)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _import_settings(DEBUG="0", VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_management_commands_that_never_sign_run_without_a_secret_key(tmp_path):
    result = _run_python(
        "import sys; sys.argv = ['manage.py', 'makemigrations', '--check', '--dry-run']; "
        "exec(open('manage.py').read())",
        DEBUG="0",
        VAR_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_a_management_command_that_signs_needs_the_secret_key(tmp_path):
    result = _run_python(
        "import sys; sys.argv = ['manage.py', 'shell', '-c', 'from django.core import signing; signing.dumps(1)']; "
        "exec(open('manage.py').read())",
        DEBUG="0",
        VAR_DIR=str(tmp_path),
    )

    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty." in result.stderr


def test_production_refuses_a_weak_secret_key(tmp_path):
    result = _import_settings(DEBUG="0", SECRET_KEY="django-insecure-short", VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "SECRET_KEY must be a random string" in result.stderr


def test_development_generates_and_keeps_a_key(tmp_path):
    assert _import_settings(DEBUG="1", VAR_DIR=str(tmp_path)).returncode == 0
    key = (tmp_path / "secret_key").read_text()

    assert len(key) >= 50
    assert _import_settings(DEBUG="1", VAR_DIR=str(tmp_path)).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_seed_demo_loads_one_user_per_role_and_is_idempotent(db, settings, capsys):
    settings.DEMO_MODE = True

    call_command("seed_demo")
    call_command("seed_demo")

    assert sorted(User.objects.values_list("role", flat=True)) == sorted(
        [Role.MEMBER, Role.MEMBER, *[Role.EXPERT] * 12, Role.STAFF, Role.ADMINISTRATOR, *[Role.MEMBER] * 38]
    )
    # The demo survey: closed, anonymous, 25 of its 40 invited members answered (respondents cannot sign in).
    from portal.surveys.models import Invitation as SurveyInvitation
    from portal.surveys.models import Response as SurveyResponse
    from portal.surveys.models import Survey

    survey = Survey.objects.get()
    assert survey.state() == Survey.State.CLOSED and survey.anonymous
    assert (SurveyInvitation.objects.count(), SurveyResponse.objects.count()) == (40, 25)
    assert not User.objects.get(email="respondent01@demo.example.org").has_usable_password()
    # Six months of invented visits up to yesterday, each day with its pages.
    from portal.metrics.models import DailyPageViews, DailyTraffic

    assert DailyTraffic.objects.count() == 183
    assert not DailyTraffic.objects.filter(day__gte=timezone.localdate()).exists()
    assert DailyPageViews.objects.count() == 183 * 11
    # A board of twelve across the four sectors, and assignments in every state.
    assert Counter(ExpertProfile.objects.values_list("sector", flat=True)) == dict.fromkeys(Sector.values, 3)
    assert set(Assignment.objects.values_list("status", flat=True)) == set(Assignment.Status.values)
    assert Assignment.objects.filter(assigned_by__isnull=True).exists()  # one claimed by its expert
    today = timezone.localdate()
    assert Assignment.objects.overdue(today).count() == 1
    assert Question.objects.awaiting_assignment().count() == 5
    # The clinical network: Lombardy hospitals, one whose listing consent has lapsed.
    assert Clinic.objects.count() == 10
    assert Clinic.objects.listed().count() == 9
    assert set(Clinic.objects.values_list("province", flat=True)) >= {"MI", "MB", "PV", "BG", "BS"}
    assert ClinicalPopulation.objects.filter(includes_minors=True).exists()
    assert ClinicContact.objects.reachable().count() == 11
    # Introductions in every state, and a facilitated investigation in every stage.
    assert set(Introduction.objects.values_list("status", flat=True)) == set(Introduction.Status.values)
    assert set(FacilitatedInvestigation.objects.values_list("stage", flat=True)) == set(InvestigationStage.values)
    assert FacilitatedInvestigation.objects.facilitated().count() == 5
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(Organisation.Kind.values)
    assert Organisation.objects.count() == 8
    assert Topic.objects.count() == 12
    assert EmailAddress.objects.filter(verified=True).count() == 16
    assert Question.objects.count() == 15
    assert Question.objects.filter(visibility=Question.Visibility.CONFIDENTIAL).count() == 1
    assert Answer.objects.filter(kind=Answer.Kind.BOARD, board_published_at__isnull=False).count() == 1
    assert FAQEntry.objects.published().count() == 3
    assert User.objects.get(email="member@demo.example.org").check_password("demo-ctcc-2026")
    # The guidelines: 1.0 and 1.1 published, demo content, a draft under review
    # with one section not yet translated.
    assert [v.number for v in Version.objects.published()] == ["1.1", "1.0"]
    draft = Version.objects.draft().get()
    assert draft.is_demo and draft.based_on.number == "1.1"
    assert draft.review_rounds.filter(closed_at__isnull=True).count() == 1
    assert draft.sections.filter(body_en="").count() == 1
    assert Thread.objects.filter(section__version=draft).count() == 3
    assert Editor.objects.count() == 1
    output = capsys.readouterr().out
    assert "admin@demo.example.org" in output
    assert "demo-ctcc-2026" in output


def test_seed_demo_refuses_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False

    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_first_run_creates_the_filesystem_broker_folders(tmp_path):
    code = "import django; django.setup(); from portal.tasks import deliver_email"
    result = _run_python(code, DEBUG="1", VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="portal.settings")

    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr
    assert (tmp_path / "celery" / "queue").is_dir()
    assert (tmp_path / "celery" / "control").is_dir()
