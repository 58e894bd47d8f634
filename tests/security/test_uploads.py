"""Uploads are judged by their bytes: a file whose content is not what its name
(or the type the browser declared) says is refused with a clear error, and
nothing is stored. Every upload field of the portal goes through one validator,
``portal.uploads.UploadValidator``."""

import importlib
import io
import zipfile
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from experts.models import Topic
from forum.forms import ATTACHMENT_CHECK
from forum.models import Attachment, Question
from portal import uploads
from portal.accounts.roles import Role
from portal.uploads import UploadValidator
from tests.factories import UserFactory

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 16
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 32
SHELL = b"#!/bin/sh\nrm -rf /\n"


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = _zip("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = _zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")
PLAIN_ZIP = _zip("readme.txt")

ALL_KINDS = UploadValidator(
    uploads.PDF, uploads.PNG, uploads.JPEG, uploads.DOCX, uploads.XLSX, uploads.PPTX, max_bytes=1024 * 1024
)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# The validator on its own


@pytest.mark.parametrize(
    ("name", "content", "declared", "media_type"),
    [
        ("protocollo.pdf", PDF, "application/pdf", "application/pdf"),
        ("PROTOCOLLO.PDF", PDF, "application/pdf", "application/pdf"),
        ("protocollo.pdf", PDF, "application/x-pdf", "application/pdf"),
        ("foto.png", PNG, "image/png", "image/png"),
        ("foto.jpg", JPEG, "image/jpeg", "image/jpeg"),
        ("foto.jpeg", JPEG, "image/pjpeg", "image/jpeg"),
        # Browsers that do not know a type send none, or octet-stream: the content decides.
        ("foto.jpeg", JPEG, "", "image/jpeg"),
        ("relazione.pdf", PDF, "application/octet-stream", "application/pdf"),
        ("lettera.docx", DOCX, uploads.DOCX.media_type, uploads.DOCX.media_type),
        ("tabella.xlsx", XLSX, "application/octet-stream", uploads.XLSX.media_type),
        # Only the last extension counts, and the content agrees with it.
        ("report.exe.pdf", PDF, "application/pdf", "application/pdf"),
    ],
)
def test_files_that_are_what_their_name_says_are_accepted(name, content, declared, media_type):
    file = upload(name, content, declared)

    kind = ALL_KINDS(file)

    assert kind.media_type == media_type
    # The stored type is the one found, never the one the sender wrote.
    assert file.content_type == media_type
    assert file.read() == content  # left at the start for storing


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("fattura.pdf", EXE, "application/pdf"),  # a Windows program renamed .pdf
        ("fattura.pdf", ELF, "application/pdf"),
        ("fattura.pdf", SHELL, "application/pdf"),
        ("pagina.pdf", HTML, "application/pdf"),  # HTML renamed .pdf
        ("immagine.pdf", PNG, "application/pdf"),  # a PNG renamed .pdf
        ("documento.png", PDF, "image/png"),  # a PDF renamed .png
        ("foto.png", JPEG, "image/png"),
        ("foto.jpg", PNG, "image/jpeg"),
        ("foto.jpg", GIF, "image/jpeg"),
        ("disegno.png", SVG, "image/png"),  # script in an image
        ("pagina.png", HTML, "application/octet-stream"),
        ("lettera.docx", PLAIN_ZIP, uploads.DOCX.media_type),  # a zip, but not a Word document
        ("lettera.docx", XLSX, uploads.DOCX.media_type),  # a workbook renamed .docx
        ("tabella.xlsx", PDF, uploads.XLSX.media_type),
        ("lettera.docx", b"PK\x03\x04 broken zip", uploads.DOCX.media_type),
        ("vuoto.pdf", b"%PDF", "application/pdf"),  # too short to be one
        # The content is right but the browser says it is something else.
        ("protocollo.pdf", PDF, "text/html"),
        ("foto.png", PNG, "image/svg+xml"),
        ("foto.png", PNG, "image/jpeg"),
    ],
)
def test_files_whose_content_is_not_what_their_name_says_are_refused(name, content, declared):
    with pytest.raises(ValidationError) as refused:
        ALL_KINDS(upload(name, content, declared))

    assert refused.value.code == "file_content"
    assert refused.value.params == {"name": name}


@pytest.mark.parametrize(
    "name", ["programma.exe", "pagina.html", "disegno.svg", "senza-estensione", ".pdf", "a.pdf.exe"]
)
def test_names_of_other_kinds_are_refused_whatever_the_content(name):
    with pytest.raises(ValidationError) as refused:
        ATTACHMENT_CHECK(upload(name, PDF, "application/pdf"))

    assert refused.value.code == "file_type"
    with translation.override("it"):  # said in the reader's language
        assert str(refused.value.params["kinds"]) == "PDF, PNG e JPEG"


def test_files_past_the_limit_are_refused_before_being_read():
    with pytest.raises(ValidationError) as refused:
        UploadValidator(uploads.PDF, max_bytes=1024 * 1024)(upload("grande.pdf", b"%PDF-" + b"0" * 1024 * 1024))

    assert refused.value.code == "file_size"
    assert refused.value.params["limit"] == 1


def test_the_errors_name_the_file_in_the_users_language():
    with translation.override("it"):
        with pytest.raises(ValidationError) as refused:
            ATTACHMENT_CHECK(upload("fattura.pdf", EXE))
        message = refused.value.messages[0]

    assert message == "fattura.pdf: il contenuto non corrisponde al tipo di file indicato dal nome."


# Through the forum's form


@pytest.fixture
def asker(db):
    return UserFactory(role=Role.MEMBER, preferred_language="en")


def _ask(client, *files):
    return client.post(
        reverse("forum:ask"),
        {
            "title": "Domanda con un allegato da controllare",
            "body": "Testo sufficientemente lungo della domanda.",
            "topics": [Topic.objects.first().pk],
            "visibility": "public",
            "attachments": list(files),
        },
    )


def _stored_files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "forum" / "attachments"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("cip.pdf", EXE, "application/pdf"),
        ("cip.pdf", HTML, "application/pdf"),
        ("cip.pdf", PNG, "application/pdf"),
        ("foto.png", SVG, "image/png"),
        ("cip.pdf", PDF, "text/html"),
    ],
)
def test_the_ask_form_refuses_a_renamed_file_and_stores_nothing(client_for, asker, settings, name, content, declared):
    before = _stored_files(settings)

    # A good file beside the bad one: the question is refused whole.
    response = _ask(client_for(asker), upload("buono.pdf", PDF, "application/pdf"), upload(name, content, declared))

    assert response.status_code == 200
    assert f"{name} is not the kind of file its name says." in response.content.decode()
    assert not Question.objects.exists()
    assert not Attachment.objects.exists()
    assert _stored_files(settings) == before


def test_the_ask_form_speaks_italian_to_italian_members(client_for, asker):
    asker.preferred_language = "it"
    asker.save(update_fields=["preferred_language"])

    response = _ask(client_for(asker), upload("cip.pdf", EXE, "application/pdf"))

    assert "cip.pdf: il contenuto non corrisponde al tipo di file indicato dal nome." in response.content.decode()
    assert not Question.objects.exists()


def test_the_ask_form_keeps_valid_files_with_their_checked_type(client_for, asker):
    client = client_for(asker)

    response = _ask(
        client,
        upload("protocollo.pdf", PDF, "application/pdf"),
        upload("foto.PNG", PNG, "image/png"),
        upload("scansione.jpg", JPEG, "application/octet-stream"),
    )

    question = Question.objects.get()
    assert response["Location"] == question.get_absolute_url()
    assert sorted(question.attachments.values_list("original_name", "content_type", "size")) == [
        ("foto.PNG", "image/png", len(PNG)),
        ("protocollo.pdf", "application/pdf", len(PDF)),
        ("scansione.jpg", "image/jpeg", len(JPEG)),
    ]
    download = client.get(question.attachments.get(original_name="scansione.jpg").get_absolute_url())
    assert download["Content-Type"] == "image/jpeg"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == JPEG


# Every upload field uses the validator


PROJECT_APPS = ("portal", "forum", "experts", "guidelines")


def _project_forms() -> list[type[forms.BaseForm]]:
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in PROJECT_APPS:
            try:
                importlib.import_module(f"{config.name}.forms")
            except ModuleNotFoundError as missing:
                if missing.name != f"{config.name}.forms":
                    raise
    found, pending = [], list(forms.BaseForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.split(".")[0] in PROJECT_APPS:
            found.append(form)
    return found


def test_every_file_field_of_the_portal_checks_content():
    file_fields = {
        f"{form.__module__}.{form.__qualname__}.{name}": field
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.FileField)
    }

    assert "forum.forms.AskForm.attachments" in file_fields
    unchecked = [
        name
        for name, field in file_fields.items()
        if not any(isinstance(validator, UploadValidator) for validator in field.validators)
    ]
    assert unchecked == []
