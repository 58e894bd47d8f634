"""The simulated users of the load and soak test (bench/soak.py starts locust on it).

Each simulated user reads (70%), searches (20%) and writes (10%): it asks a
question, answers one or adds a clarification through the portal's real forms
(GET the form, take its CSRF token, POST). Each is signed in as a member or
(one in four) an expert of the bench data set, through sessions bench/soak.py made directly
(the login form is rate-limited per address and all traffic comes from
127.0.0.1); a third of the reads and searches are made signed out, as an
anonymous visitor sees the public pages.

bench/soak.py writes the plan (accounts, pages, questions, search terms) to a
JSON file named by ``CTCC_SOAK_PLAN`` and reads every request's kind, time,
status and error from the JSON lines written to ``CTCC_SOAK_RESULTS``. Requests
are named "<kind>: <route>" (kind: read, search or write), so that the stats
group by route, not by URL.

Rate limits (portal/settings.py ACCOUNT_RATE_LIMITS, per account: ask_question
20/h, forum_write 60/h): a user waits 1 to 5 s between tasks, about 1,200 tasks
and 120 writes an hour; it writes with its ACCOUNTS_PER_USER (5) accounts in
turn, so a member's account asks about 12 questions and adds 12 clarifications
an hour, an expert's account about 16 answers and 8 clarifications (24 forum
writes): within the limits over any length of run.
"""

from __future__ import annotations

import http.cookiejar
import itertools
import json
import os
import random
import re
import threading
from pathlib import Path

from locust import HttpUser, between, events, task

ACCOUNTS_PER_USER = 5
# Seconds before a request counts as timed out (the issue: zero timeouts).
TIMEOUT = 10
SIGNED_OUT_SHARE = 1 / 3
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOPIC_INPUT = re.compile(r'name="topics" value="(\d+)"')
QUESTION_URL = re.compile(r"^/forum/(\d+)/")

# How often each kind of page is read (bench/soak.py gives each a few concrete URLs).
READ_WEIGHTS = {
    "question detail": 30,
    "question list": 12,
    "question list page": 6,
    "question list filtered": 8,
    "home": 8,
    "faq": 6,
    "clinic directory": 5,
    "clinic directory filtered": 4,
    "clinic detail": 5,
    "expert directory": 4,
    "expert profile": 3,
    "guideline version": 5,
    "guideline comparison": 2,
    "guideline versions": 2,
}

TITLES = (
    "Serve un'indagine clinica per un dispositivo di classe IIa già marcato CE?",
    "Quale comitato etico territoriale per uno studio multicentrico in Lombardia?",
    "CIV-ID e notifica al Ministero della Salute: in che ordine?",
    "Do we need a PMCF investigation under Art. 74(1) for a class IIb implant?",
    "Sample size of a pilot study: how to justify it to the ethics committee?",
    "Biocompatibilità a lungo termine: quali dati chiede il comitato etico?",
)
BODIES = (
    "Siamo una PMI lombarda e stiamo sviluppando un dispositivo di classe IIa. "
    "Vorremmo capire se l'indagine rientra nell'art. 62 o nell'art. 74 del regolamento MDR 2017/745.",
    "We are a start-up with a software device that includes an AI component. "
    "We would like to know which documents the territorial ethics committee expects (ISO 14155:2020).",
    "Il follow-up previsto è di 12 mesi su 80 soggetti in due centri IRCCS e una ASST: "
    "come si giustifica la dimensione del campione?",
)
ANSWERS = (
    "Per un dispositivo non marcato CE si applica l'art. 62 del regolamento MDR: "
    "serve la domanda all'autorità competente e il parere del comitato etico territoriale.",
    "Under Art. 74(1) the sponsor notifies the Member State at least 30 days before the start; "
    "see MDCG 2021-6 and align the plan with ISO 14155:2020.",
    "Conviene coinvolgere presto il biostatistico: la dimensione del campione va giustificata "
    "con un'ipotesi esplicita sull'endpoint primario.",
)
COMMENTS = (
    "Grazie, molto chiaro. Il centro coordinatore sarebbe un IRCCS di Milano.",
    "Could you give the exact MDCG reference?",
    "Aggiungo che il promotore è una start-up e il dispositivo è di classe IIb.",
)


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Keep no cookie: with DEBUG off the portal's cookies are Secure, which a
    client on plain-HTTP loopback would not send back; each request carries the
    session and CSRF cookies it needs in its own Cookie header instead."""

    def set_ok(self, cookie, request):
        return False


def _plan() -> dict:
    path = os.environ.get("CTCC_SOAK_PLAN")
    return json.loads(Path(path).read_text()) if path else {}


PLAN = _plan()
_random = random.Random()  # noqa: S311 (the simulated users' choices, not secrets)
_next_user = itertools.count()
_next_account = {"member": itertools.count(), "expert": itertools.count()}
_results_lock = threading.Lock()
_results: list[str] = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    """Every request's kind, milliseconds, status and error, for bench/soak.py's summary."""
    status = getattr(response, "status_code", 0) or 0
    error = type(exception).__name__ if exception else ""
    if error == "CatchResponseError" and response is not None and getattr(response, "error", None):
        error = type(response.error).__name__
    line = json.dumps([name.split(":", 1)[0], name, round(response_time, 2), status, error])
    with _results_lock:
        _results.append(line)


@events.quitting.add_listener
def _write_results(environment, **kwargs):
    if path := os.environ.get("CTCC_SOAK_RESULTS"):
        Path(path).write_text("\n".join(_results) + "\n")


class PortalUser(HttpUser):
    """A member or an expert of the bench data set, with a few accounts it uses in turn."""

    wait_time = between(1, 5)

    def on_start(self) -> None:
        self.client.cookies.set_policy(_NoCookies())
        number = next(_next_user)
        # One user in four is an expert (they answer), the others members (they ask).
        self.role = "expert" if number % 4 == 3 and PLAN.get("experts") else "member"
        pool = PLAN.get(f"{self.role}s") or PLAN.get("members") or []
        each = PLAN.get("accounts_per_user", ACCOUNTS_PER_USER)
        start = (next(_next_account[self.role]) * each) % max(1, len(pool))
        self.accounts = [pool[(start + n) % len(pool)] for n in range(min(each, len(pool)))]
        self.turn = itertools.cycle(range(len(self.accounts)))

    # The three kinds of work: 70% reading, 20% searching, 10% writing.

    @task(70)
    def read(self) -> None:
        reads = PLAN.get("reads") or {"home": ["/"]}
        names = list(reads)
        name = _random.choices(names, weights=[READ_WEIGHTS.get(name, 1) for name in names])[0]
        self._get(_random.choice(reads[name]), f"read: {name}", signed_in=_random.random() >= SIGNED_OUT_SHARE)

    @task(20)
    def search(self) -> None:
        term = _random.choice(PLAN.get("search_terms") or ["comitato etico"])
        if _random.random() < 0.8:
            sort = _random.choice(("relevance", "newest"))
            self._get("/forum/", "search: forum", params={"q": term, "sort": sort})
        else:
            self._get("/forum/faq/", "search: faq", params={"q": term})

    @task(10)
    def write(self) -> None:
        if not self.accounts:
            return
        account = self.accounts[next(self.turn)]
        if self.role == "expert":
            self._answer(account) if _random.random() < 2 / 3 else self._comment(account)
        else:
            self._ask(account) if _random.random() < 1 / 2 or not account["questions"] else self._comment(account)

    # Reads

    def _get(self, path: str, name: str, *, signed_in: bool = True, params=None) -> None:
        account = self.accounts[0] if self.accounts and signed_in else None
        with self.client.get(
            path,
            params=params,
            name=name,
            headers=self._cookies(account),
            allow_redirects=False,
            timeout=TIMEOUT,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    # Writes, through the forms

    def _cookies(self, account: dict | None, csrf: str = "") -> dict[str, str]:
        cookies = [account["cookie"]] if account else []
        if csrf:
            cookies.append(f"{PLAN.get('csrf_cookie_name', 'csrftoken')}={csrf}")
        return {"Cookie": "; ".join(cookies)} if cookies else {}

    def _form(self, account: dict, path: str, name: str) -> tuple[str, str, str] | None:
        """The page's HTML, its CSRF token and the CSRF cookie that goes with it."""
        with self.client.get(
            path, name=name, headers=self._cookies(account), allow_redirects=False, timeout=TIMEOUT, catch_response=True
        ) as response:
            token = CSRF_INPUT.search(response.text or "")
            cookie = response.cookies.get(PLAN.get("csrf_cookie_name", "csrftoken"), "")
            if response.status_code != 200 or not token or not cookie:
                response.failure(f"HTTP {response.status_code}, no CSRF token or cookie")
                return None
            return response.text, token.group(1), cookie

    def _post(self, account: dict, path: str, name: str, data: dict, csrf: tuple[str, str], expected: str):
        """POST ``data``; success is the view's redirect to ``expected`` (a prefix)."""
        token, cookie = csrf
        with self.client.post(
            path,
            data={"csrfmiddlewaretoken": token, **data},
            name=name,
            headers=self._cookies(account, cookie),
            allow_redirects=False,
            timeout=TIMEOUT,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith(expected):
                response.failure(f"HTTP {response.status_code} to {location or 'nowhere'}")
                return None
            return location

    def _ask(self, account: dict) -> None:
        form = self._form(account, "/forum/ask/", "write: ask (form)")
        if form is None:
            return
        html, token, cookie = form
        topics = TOPIC_INPUT.findall(html)
        data = {
            "title": f"{_random.choice(TITLES)} ({_random.randint(1, 10**6)})",
            "body": _random.choice(BODIES),
            "topics": _random.sample(topics, min(len(topics), _random.randint(1, 2))),
            "visibility": "confidential" if _random.random() < 0.1 else "public",
        }
        location = self._post(account, "/forum/ask/", "write: ask", data, (token, cookie), "/forum/")
        if location and (match := QUESTION_URL.match(location)):
            account["questions"].append(int(match.group(1)))  # their own question, to clarify later

    def _answer(self, account: dict) -> None:
        self._write_on_question(account, "answer", ANSWERS)

    def _comment(self, account: dict) -> None:
        self._write_on_question(account, "comment", COMMENTS)

    def _write_on_question(self, account: dict, action: str, bodies: tuple[str, ...]) -> None:
        """Post an answer or a comment (``action``, the URL's last part) on one of the account's questions."""
        if not account["questions"]:
            return
        path = f"/forum/{_random.choice(account['questions'])}/"
        form = self._form(account, path, f"write: {action} (question)")
        if form is not None:
            data = {"body": _random.choice(bodies)}
            self._post(account, f"{path}{action}/", f"write: {action}", data, form[1:], path)
