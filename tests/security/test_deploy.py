"""Production settings, as the Dockerfile and docker-compose.yml give them:
``check --deploy`` reports nothing, the Content-Security-Policy allows no
inline or evaluated code and every page sends it, HTTPS is enforced with HSTS
and cookies are secure. And bandit finds nothing of medium or high severity.

Settings are read in fresh interpreters (as in tests/portal/test_setup.py):
this run's test settings relax some of them for the plain-HTTP test client.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.csp import CSP

from tests.factories.accounts import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Y-" + "x7Qp9vR2sT5wZ8bN1mC4fH6jL0dG3kA" * 2


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The environment docker-compose.yml gives the portal's image (Dockerfile's
    ENV plus x-app-environment), with a strong key and a real host."""
    # DJANGO_ALLOW_ASYNC_UNSAFE: set for the browser journeys' live server, never in production.
    unset = {
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_SETTINGS_MODULE",
        "REDIS_URL",
        "DATABASE_URL",
        "PORTAL_MANAGEMENT_COMMAND",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    clean = {name: value for name, value in os.environ.items() if name not in unset and not name.startswith("SECURE_")}
    return {
        **clean,
        "PYTHONUNBUFFERED": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "var" / "media"),
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
        "SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": "postgres://portal:secret@db:5432/portal",
        "REDIS_URL": "redis://redis:6379/0",
        "ALLOWED_HOSTS": "portal.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
        "SITE_URL": "https://portal.example.org",
        "SECURE_SSL_REDIRECT": "1",
        "BEHIND_TLS_PROXY": "1",
        **overrides,
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120
    )


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)


# check --deploy


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = check_deploy(production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    # Nothing is silenced either: every check of Django's list runs and passes.
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


@pytest.mark.parametrize(
    ("overrides", "warning"),
    [
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": "0"}, "security.W008"),
        ({"DEBUG": "1"}, "security.W018"),
    ],
)
def test_check_deploy_would_report_a_weakened_setting(tmp_path, overrides, warning):
    # The check above is not vacuous: loosen one setting and it fails.
    result = check_deploy(production_env(tmp_path, **overrides))

    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


PRINT_SETTINGS = """
import json
from django.conf import settings
import django
django.setup()
from django.utils.csp import build_policy
print(json.dumps({
    "policy": build_policy(settings.SECURE_CSP, nonce="NONCE"),
    "policy_report_only": settings.SECURE_CSP_REPORT_ONLY,
    "debug": settings.DEBUG,
    "silenced": settings.SILENCED_SYSTEM_CHECKS,
    "hsts": [settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD],
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "cookies": {
        "session": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE],
        "csrf": [settings.CSRF_COOKIE_SECURE, settings.CSRF_COOKIE_HTTPONLY, settings.CSRF_COOKIE_SAMESITE],
        "language": [settings.LANGUAGE_COOKIE_SECURE, settings.LANGUAGE_COOKIE_SAMESITE],
    },
    "nosniff": settings.SECURE_CONTENT_TYPE_NOSNIFF,
    "frame": settings.X_FRAME_OPTIONS,
    "referrer": settings.SECURE_REFERRER_POLICY,
    "coop": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
    "middleware": settings.MIDDLEWARE,
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    env = production_env(tmp_path_factory.mktemp("production"), DJANGO_SETTINGS_MODULE="portal.settings")
    result = _run(["-c", PRINT_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'")


def test_the_production_policy_allows_no_inline_or_evaluated_code(production):
    policy = directives(production["policy"])

    for name, sources in policy.items():
        assert not set(sources) & set(UNSAFE), name
        assert "*" not in sources and "http:" not in sources and "https:" not in sources, name
    # Scripts and styles: our own files, or a tag carrying this response's nonce.
    assert policy["script-src"] == ["'self'", "'nonce-NONCE'"]
    assert policy["style-src"] == ["'self'", "'nonce-NONCE'"]
    assert "data:" not in policy["script-src"] + policy["default-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert production["policy_report_only"] == {}


def test_production_is_https_only_with_hsts_and_secure_cookies(production):
    assert production["debug"] is False
    assert production["silenced"] == []
    assert production["hsts"] == [31_536_000, True, True]
    assert production["ssl_redirect"] is True
    assert production["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["cookies"] == {
        "session": [True, True, "Lax"],
        "csrf": [True, True, "Lax"],
        "language": [True, "Lax"],
    }
    assert production["nosniff"] is True
    assert production["frame"] == "DENY"
    assert production["referrer"] == "same-origin"
    assert production["coop"] == "same-origin"
    middleware = production["middleware"]
    assert middleware[:2] == [
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
    ]
    assert "django.middleware.csrf.CsrfViewMiddleware" in middleware
    assert "django.middleware.clickjacking.XFrameOptionsMiddleware" in middleware


# What pages send (this run's settings keep the production policy)


def _policy_of(response) -> dict[str, list[str]]:
    assert "Content-Security-Policy-Report-Only" not in response
    return directives(response["Content-Security-Policy"])


def _without_nonce(policy: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        name: [source for source in sources if not source.startswith("'nonce-")] for name, sources in policy.items()
    }


def test_every_kind_of_response_sends_the_policy(
    production, anonymous_client, member_client, staff_client, admin_client
):
    expected = _without_nonce(directives(production["policy"]))
    responses = {
        "home": anonymous_client.get(reverse("home")),
        "login": anonymous_client.get(reverse("account_login")),
        "forum": anonymous_client.get(reverse("forum:list"), {"q": "marcatura"}),
        "clinics": anonymous_client.get(reverse("experts:clinics")),
        "ask": member_client.get(reverse("forum:ask")),
        "dashboard": member_client.get(reverse("dashboard")),
        "metrics": staff_client.get(reverse("metrics:dashboard")),
        "admin": admin_client.get(reverse("admin:index")),
        "not found": anonymous_client.get("/no-such-page/"),
        "redirect to login": anonymous_client.get(reverse("forum:ask")),
        "csrf refusal": Client(enforce_csrf_checks=True).post(reverse("account_login"), {}),
        "bad host": anonymous_client.get(reverse("home"), headers={"host": "evil.example.com"}),
    }

    for name, response in responses.items():
        assert response.status_code in (200, 302, 400, 403, 404), name
        assert _without_nonce(_policy_of(response)) == expected, name


def test_pages_load_scripts_only_from_files(anonymous_client, member_client):
    for client, url in [
        (anonymous_client, reverse("home")),
        (anonymous_client, reverse("account_signup")),
        (member_client, reverse("forum:ask")),
    ]:
        response = client.get(url)
        page = response.content.decode()
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts, url
        assert all(" src=" in tag for tag in scripts), url  # no inline code
        # A tag with a nonce carries this response's, the one in the header.
        nonces = {source[7:-1] for source in _policy_of(response)["script-src"] if source.startswith("'nonce-")}
        assert set(re.findall(r'nonce="([^"]*)"', page)) <= nonces, url
        assert " style=" not in page and " onload=" not in page and " onclick=" not in page, url


def test_templates_carry_no_inline_script_style_or_handler():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "pdf" in path.parts:  # WeasyPrint's print templates never reach a browser
            continue
        text = path.read_text()
        for marker in (" style=", " onclick=", " onload=", " onchange=", " onsubmit=", "javascript:"):
            if marker in text:
                offenders.append(f"{path.relative_to(ROOT)}: {marker.strip()}")
        for line in text.splitlines():
            if "<script" in line and "src=" not in line:
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
            # An SVG's own <style> is for WeasyPrint only (components/chart.html, svg_style in PDFs).
            if "<style" in line and "svg_style" not in line:
                offenders.append(f"{path.relative_to(ROOT)}: <style>")

    assert offenders == []


def test_https_responses_carry_hsts(db, client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = client.get(reverse("home"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_plain_http_is_redirected_to_https(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(reverse("forum:list"))

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/forum/"
    # The container's health check stays on plain HTTP.
    assert client.get(reverse("healthz")).status_code == 200


def test_cookies_set_at_sign_in_are_secure_and_hidden_from_scripts(db, client, settings, member):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True

    client.get(reverse("account_login"), secure=True)
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD}, secure=True)

    assert response.status_code == 302
    session, csrf = response.cookies["sessionid"], client.cookies["csrftoken"]
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"]) == (True, True, "Lax")


# bandit


BANDIT = ["-m", "bandit", "-c", "pyproject.toml", "--severity-level", "medium", "--confidence-level", "low", "-q"]


def test_bandit_finds_nothing_of_medium_or_high_severity():
    result = _run([*BANDIT, "-r", "portal", "forum", "experts", "guidelines"], dict(os.environ))

    assert result.returncode == 0, result.stdout


def test_bandit_would_fail_on_a_finding(tmp_path):
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "views.py").write_text(
        "import subprocess\n\n\ndef run(command):\n    subprocess.call(command, shell=True)\n"
    )

    result = _run([*BANDIT, "-r", str(probe)], dict(os.environ))

    assert result.returncode == 1
    assert "B602" in result.stdout


def test_ci_runs_bandit_and_check_deploy():
    ci = (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()

    assert "make audit" in ci
    assert "check --deploy --fail-level WARNING" in ci
    assert "bandit -c pyproject.toml -r portal forum experts guidelines --severity-level medium" in makefile


def test_the_csp_sentinel_is_what_the_settings_use():
    # build_policy above stands for CSP.NONCE: the settings name it, not a literal nonce.
    from django.conf import settings

    assert CSP.NONCE in settings.SECURE_CSP["script-src"]
