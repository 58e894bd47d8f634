"""Uploaded files are judged by their bytes, not by their name.

Every upload form checks its files with an ``UploadValidator``: the name's
extension says which kind the file claims to be, its first bytes (and, for the
Office formats, the parts of its zip) must be that kind, and the type the
browser declared must not say otherwise. The kind found gives the stored file
its ``content_type``, so nothing the sender wrote decides how it is served.
"""

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# What a browser sends when it does not know a file's type: it proves nothing either way.
UNKNOWN_DECLARED_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
# Enough for every signature below.
HEAD_BYTES = 16


@dataclass(frozen=True)
class FileKind:
    """A kind of file we may accept: its media type, its usual extensions, and a
    test of its content (``signatures``: the bytes it starts with; ``check``: a
    further look at the whole file, when the start is shared with other kinds)."""

    media_type: str
    label: str
    extensions: tuple[str, ...]
    signatures: tuple[bytes, ...]
    # Other names browsers give the same type.
    aliases: tuple[str, ...] = ()
    check: Callable[[BinaryIO], bool] | None = field(default=None, compare=False)

    def declared_as(self, content_type: str) -> bool:
        return content_type in {self.media_type, *self.aliases}

    def matches(self, upload: BinaryIO) -> bool:
        upload.seek(0)
        head = upload.read(HEAD_BYTES)
        upload.seek(0)
        if not any(head.startswith(signature) for signature in self.signatures):
            return False
        if self.check is None:
            return True
        try:
            return self.check(upload)
        finally:
            upload.seek(0)


def _office_open_xml(folder: str) -> Callable[[BinaryIO], bool]:
    """A zip with the package's ``[Content_Types].xml`` and its main part under ``folder``
    (names only: nothing is extracted)."""

    def check(upload: BinaryIO) -> bool:
        try:
            with zipfile.ZipFile(upload) as package:
                names = package.namelist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            return False
        return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)

    return check


_ZIP = (b"PK\x03\x04",)

PDF = FileKind("application/pdf", "PDF", (".pdf",), (b"%PDF-",), aliases=("application/x-pdf",))
PNG = FileKind("image/png", "PNG", (".png",), (b"\x89PNG\r\n\x1a\n",))
JPEG = FileKind("image/jpeg", "JPEG", (".jpg", ".jpeg"), (b"\xff\xd8\xff",), aliases=("image/jpg", "image/pjpeg"))
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "DOCX",
    (".docx",),
    _ZIP,
    check=_office_open_xml("word/"),
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "XLSX",
    (".xlsx",),
    _ZIP,
    check=_office_open_xml("xl/"),
)
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PPTX",
    (".pptx",),
    _ZIP,
    check=_office_open_xml("ppt/"),
)


def extension_of(name: str) -> str:
    """The last extension of a file name, lower case with its dot ("" if none)."""
    name = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    return name[name.rfind(".") :] if "." in name.lstrip(".") else ""


@deconstructible
class UploadValidator:
    """Accept a file of one of ``kinds`` up to ``max_bytes``, judged by content.

    Calling it with an uploaded file raises ``ValidationError`` (naming the file,
    in the user's language) or returns the ``FileKind`` found, after setting the
    upload's ``content_type`` to that kind's media type. Use it in a form field's
    ``validators`` or call it from ``clean``."""

    def __init__(self, *kinds: FileKind, max_bytes: int):
        if not kinds:
            raise ValueError("An UploadValidator needs at least one kind of file.")
        self.kinds = kinds
        self.max_bytes = max_bytes

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and (self.kinds, self.max_bytes) == (other.kinds, other.max_bytes)

    def __hash__(self) -> int:
        return hash((self.kinds, self.max_bytes))

    def kind_for_name(self, name: str) -> FileKind | None:
        extension = extension_of(name)
        return next((kind for kind in self.kinds if extension in kind.extensions), None)

    def accept_attribute(self) -> str:
        """The file input's ``accept``: the extensions and media types of the kinds."""
        extensions = [extension for kind in self.kinds for extension in kind.extensions]
        return ",".join([*extensions, *(kind.media_type for kind in self.kinds)])

    def __call__(self, upload) -> FileKind:
        name = upload.name or ""
        kind = self.kind_for_name(name)
        if kind is None:
            labels = get_text_list([kind.label for kind in self.kinds], pgettext_lazy("the last of a list", "and"))
            raise ValidationError(
                _("%(name)s: only %(kinds)s files are accepted."),
                code="file_type",
                params={"name": name, "kinds": labels},
            )
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("%(name)s is larger than %(limit)d MB."),
                code="file_size",
                params={"name": name, "limit": self.max_bytes // (1024 * 1024)},
            )
        declared = (getattr(upload, "content_type", None) or "").split(";")[0].strip().lower()
        if not kind.matches(upload) or not (declared in UNKNOWN_DECLARED_TYPES or kind.declared_as(declared)):
            raise ValidationError(
                _("%(name)s is not the kind of file its name says."), code="file_content", params={"name": name}
            )
        upload.content_type = kind.media_type
        return kind
