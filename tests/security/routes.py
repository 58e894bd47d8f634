"""What the security tests share: every URL pattern of the project, and a
finished PDF document to request."""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone


@dataclass(frozen=True)
class Route:
    path: str  # the pattern, e.g. "forum/<int:pk>/answers/<int:answer_pk>/accept/"
    name: str  # namespaced, or "admin:<view>" for the admin's unnamed patterns
    callback: object
    admin_model: type | None

    def __str__(self) -> str:
        return f"{self.name} {self.path}"


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            name = pattern.name or getattr(callback, "__name__", "view")
            model_admin = getattr(callback, "model_admin", None)
            yield Route(
                path=prefix + str(pattern.pattern),
                name=f"{namespace}:{name}" if namespace else name,
                callback=callback,
                admin_model=model_admin.model if model_admin else None,
            )


def project_routes() -> list[Route]:
    """Every URL pattern of the project, through its includes and namespaces."""
    return list(_walk(get_resolver().url_patterns))


def ready_pdf(document, name: str):
    """A PDF job (a guideline rendition, a report) finished, with its file."""
    document.status = "ready"
    document.pages = 1
    document.size = 10
    document.finished_at = timezone.now()
    document.file.save(name, ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    document.save()
    return document
