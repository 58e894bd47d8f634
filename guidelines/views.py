"""Pages of the guidelines: reading a version, the versions and their feed,
the comparison of two versions, the draft with its review, publishing, and
the PDFs (requested, then polled, then downloaded)."""

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from guidelines import selectors, services
from guidelines.compare import compare_versions
from guidelines.forms import (
    CommentForm,
    EditorForm,
    NewSectionForm,
    PublishForm,
    ReferenceFormSet,
    ReviewRequestForm,
    SectionForm,
    TitleForm,
    reference_initial,
)
from guidelines.models import LANGUAGES, Editor, Rendition, Section, Thread, Version
from guidelines.permissions import (
    can_comment,
    can_edit_draft,
    can_manage_review,
    can_publish,
    can_review,
    can_see_draft,
    can_subscribe,
)
from portal.accounts.models import User
from portal.accounts.permissions import allowed_if, signed_in_area
from portal.accounts.roles import Capability
from portal.markdown import render_markdown
from portal.pagecache import cached_page
from portal.shortcuts import id_or_none, require_form_methods, run_service, safe_next, throttled


def _document_language(request) -> str:
    """The document's language: the reader's, unless they chose the other one."""
    chosen = request.GET.get("lang")
    return chosen if chosen in LANGUAGES else translation.get_language()[:2]


def _throttled(request):
    return throttled(request, "guidelines_write")


# Reading.


@require_safe
@cached_page
def current(request):
    version = selectors.current_version()
    if version is None:
        return render(
            request, "guidelines/none_published.html", {"may_see_draft": can_see_draft(request.user)}, status=200
        )
    return _version_page(request, version, current=version)


@require_safe
@cached_page
def version_detail(request, number: str):
    version = selectors.version_by_number(number)
    if version is None:
        raise Http404
    return _version_page(request, version, current=selectors.current_version())


def _version_page(request, version: Version, current: Version):
    language = _document_language(request)
    previous = (
        Version.objects.published().filter(published_at__lt=version.published_at).values_list("major", "minor").first()
    )
    return render(
        request,
        "guidelines/version.html",
        {
            "document": selectors.published_document(version, language),
            "version": version,
            "changelog_html": selectors.rendered_markdown(version.changelog(language)),
            "current": current,
            "is_current": current.pk == version.pk,
            "previous_number": "{}.{}".format(*previous) if previous else "",
            "language": language,
            "other_language": selectors.other_language(language),
            "subscribed": _subscribed(request.user),
            "may_subscribe": can_subscribe(request.user),
            "may_see_draft": can_see_draft(request.user),
        },
    )


def _subscribed(user) -> bool:
    return user.is_authenticated and hasattr(user, "guidelines_subscription")


@require_safe
def version_list(request):
    versions = list(selectors.published_versions())
    language = translation.get_language()[:2]
    return render(
        request,
        "guidelines/version_list.html",
        {
            "versions": [(version, version.changelog(language)) for version in versions],
            "current": versions[0] if versions else None,
            "may_see_draft": can_see_draft(request.user),
            "subscribed": _subscribed(request.user),
            "may_subscribe": can_subscribe(request.user),
        },
    )


class ReleasesFeed(Feed):
    """Each published version of the guidelines, with its changelog."""

    feed_type = Atom1Feed
    title = gettext_lazy("Clinical Trials Competence Centre: guidelines releases")
    subtitle = gettext_lazy("New versions of the board's guidelines for clinical investigations of medical devices.")
    link = reverse_lazy("guidelines:versions")

    def items(self):
        return selectors.published_versions()[:30]

    def item_title(self, item):
        return _("Version %(number)s") % {"number": item.number}

    def item_description(self, item):
        return render_markdown(item.changelog(translation.get_language()[:2]))

    def item_link(self, item):
        return reverse("guidelines:version", args=[item.number])

    def item_guid(self, item):
        return f"guidelines-{item.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return str(_("The board of experts"))


@require_safe
@cached_page
def comparison(request):
    """Two versions side by side in time: ``?from=1.0&to=1.1``; the board may
    name ``draft`` as either side."""
    language = _document_language(request)
    versions = list(selectors.published_versions())
    choices = [version.number for version in versions]
    if can_see_draft(request.user):
        choices.insert(0, "draft")

    def pick(name: str, default: str) -> Version | None:
        number = request.GET.get(name) or default
        if number == "draft" and can_see_draft(request.user):
            return selectors.draft()
        return next((version for version in versions if version.number == number), None)

    if len(choices) < 2:
        return render(request, "guidelines/compare.html", {"too_few": True})
    newer = pick("to", versions[0].number if len(versions) > 1 else "draft")
    if newer is None:
        raise Http404
    older = pick("from", _version_before(newer, versions))
    if older is None:
        raise Http404
    comparison = compare_versions(older, newer, language)
    return render(
        request,
        "guidelines/compare.html",
        {
            "comparison": comparison,
            "older": older,
            "newer": newer,
            "old_label": older.label,
            "new_label": newer.label,
            "choices": choices,
            "from_value": "draft" if not older.is_published else older.number,
            "to_value": "draft" if not newer.is_published else newer.number,
            "language": language,
        },
    )


def _version_before(version: Version, versions: list[Version]) -> str:
    """The number of the version published before ``version`` (the newest one
    for the draft; the next one for the first version)."""
    if not version.is_published:
        return versions[0].number
    index = next(i for i, v in enumerate(versions) if v.pk == version.pk)
    neighbour = versions[index + 1] if index + 1 < len(versions) else versions[index - 1]
    return neighbour.number


# Subscriptions.


@require_POST
@signed_in_area
def subscription(request):
    subscribed = request.POST.get("subscribe") == "1"
    services.subscribe(user=request.user, subscribed=subscribed)
    messages.success(
        request,
        _("You will be told of each new version of the guidelines.")
        if subscribed
        else _("You will no longer be told of new versions of the guidelines."),
    )
    return redirect(safe_next(request, reverse("guidelines:current")))


# The draft and its review.


@require_safe
@allowed_if(can_see_draft)
def draft(request):
    version = services.get_or_create_draft()
    language = _document_language(request)
    sections = list(selectors.draft_sections_for_review(version))
    review = selectors.open_review(version)
    document = selectors.document(version, language, sections=sections)
    return render(
        request,
        "guidelines/draft.html",
        {
            "document": document,
            "version": version,
            "review": review,
            "reviewed": selectors.reviewed_by(review, request.user),
            "language": language,
            "other_language": selectors.other_language(language),
            "may_edit": can_edit_draft(request.user),
            "may_manage_review": can_manage_review(request.user),
            "may_publish": can_publish(request.user),
            "may_review": can_review(request.user),
            "open_threads": sum(section.open_threads for section in sections),
        },
    )


def _draft_section(pk: int) -> Section:
    return get_object_or_404(Section.objects.select_related("version"), pk=pk, version__status=Version.Status.DRAFT)


def _back_to(section: Section) -> str:
    return f"{reverse('guidelines:draft')}#s-{section.key}"


@require_form_methods
@allowed_if(can_edit_draft)
def edit_section(request, pk: int):
    section = _draft_section(pk)
    data = request.POST if request.method == "POST" else None
    form = SectionForm(
        data,
        initial={name: getattr(section, name) for name in ("title_it", "title_en", "body_it", "body_en")},
    )
    references = ReferenceFormSet(data, initial=reference_initial(section), prefix="references")
    if request.method == "POST":
        if response := _throttled(request):
            return response
        if form.is_valid() and references.is_valid():
            saved = run_service(
                request,
                lambda: services.update_section(
                    section=section, by=request.user, references=references.references(), **form.cleaned_data
                ),
                _("The section is saved."),
            )
            if saved:
                return redirect(_back_to(section))
    return render(request, "guidelines/section_form.html", {"form": form, "references": references, "section": section})


@require_form_methods
@allowed_if(can_edit_draft)
def add_section(request):
    after = None
    if (after_pk := id_or_none(request.GET.get("after", ""))) is not None:
        after = _draft_section(after_pk)
    level = Section.Level.CHAPTER if request.GET.get("level") == "1" else Section.Level.SECTION
    data = request.POST if request.method == "POST" else None
    form = NewSectionForm(data, initial={"level": level})
    references = ReferenceFormSet(data, prefix="references")
    if request.method == "POST":
        if response := _throttled(request):
            return response
        if form.is_valid() and references.is_valid():
            result = {}

            def add():
                result["section"] = services.add_section(
                    by=request.user, after=after, references=references.references(), **form.cleaned_data
                )

            if run_service(request, add, _("The section is added.")):
                return redirect(_back_to(result["section"]))
    return render(request, "guidelines/section_form.html", {"form": form, "references": references, "after": after})


@require_POST
@allowed_if(can_edit_draft)
def move_section(request, pk: int):
    section = _draft_section(pk)
    up = request.POST.get("direction") == "up"
    run_service(request, lambda: services.move_section(section=section, by=request.user, up=up), "")
    return redirect(_back_to(section))


@require_form_methods
@allowed_if(can_edit_draft)
def delete_section(request, pk: int):
    section = _draft_section(pk)
    if request.method == "POST":
        if run_service(
            request, lambda: services.delete_section(section=section, by=request.user), _("The section is deleted.")
        ):
            return redirect("guidelines:draft")
        return redirect(_back_to(section))
    return render(request, "guidelines/section_delete.html", {"section": section})


@require_form_methods
@allowed_if(can_edit_draft)
def edit_title(request):
    version = services.get_or_create_draft()
    form = TitleForm(request.POST if request.method == "POST" else None, instance=version)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request, lambda: services.update_title(by=request.user, **form.cleaned_data), _("The title is saved.")
        )
    ):
        return redirect("guidelines:draft")
    return render(request, "guidelines/title_form.html", {"form": form})


def _post_comment(request, write, success: str, back_to: Section):
    """Post a comment through ``write(body)``; an empty or overlong one is refused."""
    if response := _throttled(request):
        return response
    form = CommentForm(request.POST)
    if form.is_valid():
        run_service(request, lambda: write(form.cleaned_data["body"]), success)
    else:
        messages.error(request, _("Write a comment first (at most 5,000 characters)."))
    return redirect(_back_to(back_to))


@require_POST
@allowed_if(can_comment)
def comment(request, pk: int):
    section = _draft_section(pk)
    return _post_comment(
        request,
        lambda body: services.start_thread(section=section, by=request.user, body=body),
        _("Your comment is posted."),
        section,
    )


def _draft_thread(pk: int) -> Thread:
    return get_object_or_404(
        Thread.objects.select_related("section"), pk=pk, section__version__status=Version.Status.DRAFT
    )


@require_POST
@allowed_if(can_comment)
def reply(request, pk: int):
    thread = _draft_thread(pk)
    return _post_comment(
        request,
        lambda body: services.reply(thread=thread, by=request.user, body=body),
        _("Your reply is posted."),
        thread.section,
    )


@require_POST
@allowed_if(can_comment)
def resolve(request, pk: int):
    thread = _draft_thread(pk)
    resolved = request.POST.get("resolved") != "0"
    run_service(
        request,
        lambda: services.resolve_thread(thread=thread, by=request.user, resolved=resolved),
        _("The discussion is resolved.") if resolved else _("The discussion is open again."),
    )
    return redirect(_back_to(thread.section))


@require_POST
@allowed_if(can_review)
def mark_reviewed(request, pk: int):
    section = _draft_section(pk)
    reviewed = request.POST.get("reviewed") != "0"
    run_service(request, lambda: services.mark_reviewed(section=section, by=request.user, reviewed=reviewed), "")
    return redirect(_back_to(section))


@require_form_methods
@allowed_if(can_manage_review)
def review(request):
    """Submit the draft for review; see who has reviewed which sections."""
    version = services.get_or_create_draft()
    round = selectors.open_review(version)
    form = ReviewRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if request.POST.get("action") == "close" and round is not None:
            services.close_review(review=round, by=request.user)
            messages.success(request, _("The review is closed."))
            return redirect("guidelines:review")
        if form.is_valid() and run_service(
            request,
            lambda: services.request_review(by=request.user, **form.cleaned_data),
            _("The draft is submitted for review: the experts have been told."),
        ):
            return redirect("guidelines:review")
    sections = list(version.sections.all())
    numbered = selectors.numbered(sections)
    reviewers = User.objects.with_capability(Capability.ANSWER_QUESTIONS).order_by("full_name")
    progress = selectors.review_progress(round, sections, reviewers) if round else []
    return render(
        request,
        "guidelines/review.html",
        {
            "version": version,
            "review": round,
            "form": form,
            "numbered": numbered,
            "progress": progress,
            "section_count": len(sections),
        },
    )


@require_form_methods
@allowed_if(can_publish)
def publish(request):
    version = services.get_or_create_draft()
    first = not Version.objects.published().exists()
    form = PublishForm(request.POST if request.method == "POST" else None, first=first)
    if request.method == "POST" and form.is_valid():
        result = {}

        def publish_it():
            result["version"] = services.publish_version(by=request.user, **form.cleaned_data)

        if run_service(request, publish_it, ""):
            number = result["version"].number
            messages.success(
                request,
                _("Version %(number)s is published. Its PDFs are being produced and subscribers are being told.")
                % {"number": number},
            )
            return redirect("guidelines:version", number=number)
    return render(
        request,
        "guidelines/publish.html",
        {
            "form": form,
            "version": version,
            "open_threads": Thread.objects.open().filter(section__version=version).count(),
            "based_on": version.based_on,
        },
    )


@require_form_methods
@allowed_if(can_publish)
def editors(request):
    form = EditorForm(request.POST if request.method == "POST" and "expert" in request.POST else None)
    if request.method == "POST":
        if (remove := id_or_none(request.POST.get("remove", ""))) is not None:
            user = get_object_or_404(User, pk=remove)
            services.remove_editor(user=user, by=request.user)
            messages.success(request, _("%(name)s is no longer an editor.") % {"name": user.full_name})
            return redirect("guidelines:editors")
        if form.is_valid():
            user = form.cleaned_data["expert"]
            if run_service(
                request,
                lambda: services.appoint_editor(user=user, by=request.user),
                _("%(name)s is now an editor of the guidelines.") % {"name": user.full_name},
            ):
                return redirect("guidelines:editors")
    return render(
        request,
        "guidelines/editors.html",
        {"editors": Editor.objects.select_related("user", "appointed_by").order_by("user__full_name"), "form": form},
    )


# PDFs.


@require_POST
def request_pdf(request):
    """Start producing a PDF (or find the one made) and go to its status page.
    Published versions for everyone, the draft for the board."""
    language = request.POST.get("language")
    number = request.POST.get("version", "")
    if language not in LANGUAGES:
        raise Http404
    if number == "draft":
        if not can_see_draft(request.user):
            raise Http404
        version = selectors.draft()
    else:
        version = selectors.version_by_number(number)
    if version is None:
        raise Http404
    if response := throttled(request, "guidelines_pdf"):
        return response
    rendition = services.request_pdf(version=version, language=language)
    return redirect("guidelines:pdf", pk=rendition.pk)


def _rendition_for(request, pk: int) -> Rendition:
    rendition = get_object_or_404(Rendition.objects.select_related("version"), pk=pk)
    if not rendition.version.is_published and not can_see_draft(request.user):
        raise Http404
    return rendition


@require_safe
def pdf_status(request, pk: int):
    """The state of a PDF: a page that polls itself, or JSON for its script."""
    rendition = _rendition_for(request, pk)
    download = reverse("guidelines:pdf_download", args=[rendition.pk]) if rendition.is_ready else ""
    if request.GET.get("format") == "json":
        response = JsonResponse(
            {"status": rendition.status, "download": download, "pages": rendition.pages, "size": rendition.size}
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "guidelines/pdf_status.html", {"rendition": rendition, "download": download})


@require_safe
def pdf_download(request, pk: int):
    rendition = _rendition_for(request, pk)
    if not rendition.is_ready or not rendition.file:
        return redirect("guidelines:pdf", pk=rendition.pk)
    name = rendition.file.name.rsplit("/", 1)[-1]
    return FileResponse(rendition.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")
