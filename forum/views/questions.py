from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from forum import services
from forum.filters import QuestionFilter, SearchPaginator
from forum.forms import (
    AnswerForm,
    AskForm,
    BoardAnswerForm,
    CloseForm,
    CommentForm,
    EditQuestionForm,
    FAQEntryForm,
    FlagForm,
    PublicCopyForm,
)
from forum.models import FAQEntry, Flag, Question
from forum.permissions import get_answer_for_user, get_attachment_for_user, get_question_for_user
from forum.selectors import faq_by_topic, question_page, similar_questions
from portal.accounts.permissions import capability_required, signed_in_area
from portal.accounts.roles import Capability, user_can
from portal.markdown import render_markdown
from portal.pagecache import cached_page
from portal.shortcuts import id_or_none, run_service, safe_next, search_text, throttled

PAGE_SIZE = 20


def _posted_answer(request, question):
    """The answer a form names in its ``answer`` field, if any; 404 when the
    user may not see it or the value is not an id."""
    value = request.POST.get("answer", "")
    if not value:
        return None
    if (answer_pk := id_or_none(value)) is None:
        raise Http404
    return get_answer_for_user(request.user, question, answer_pk)


@require_safe
@cached_page
def question_list(request):
    questions = Question.objects.visible_to(request.user).select_related("author", "organisation")
    # Always bound: with no parameters it is valid and lists everything visible.
    filterset = QuestionFilter(request.GET, queryset=questions, user=request.user)
    results = filterset.qs if filterset.is_valid() else questions.none()
    paginator_class = SearchPaginator if filterset.searching else Paginator  # a search counts up to a cap
    page = paginator_class(results.prefetch_related("topics"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "forum/question_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode(), "searching": bool(request.GET.get("q"))},
    )


@require_safe
@cached_page
def question_detail(request, pk: int):
    question = get_question_for_user(request.user, pk)
    context = question_page(user=request.user, question=question)
    context.update(answer_form=AnswerForm(), comment_form=CommentForm(), flag_form=FlagForm())
    return render(request, "forum/question_detail.html", context)


@capability_required(Capability.ASK_QUESTIONS)
def ask(request):
    form = AskForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"counselling_case": request.GET.get("case")},
    )
    if request.method == "POST":
        is_new = request.user.date_joined > timezone.now() - timedelta(days=settings.FORUM_NEW_ACCOUNT_DAYS)
        if response := throttled(request, "ask_question_new_account" if is_new else "ask_question"):
            return response
        if form.is_valid():
            question = services.ask_question(
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                topics=form.cleaned_data["topics"],
                visibility=form.cleaned_data["visibility"],
                device=form.device(),
                attachments=form.cleaned_data["attachments"],
                counselling_case=form.cleaned_data.get("counselling_case"),
            )
            messages.success(request, _("Your question is published. You will be notified of answers."))
            return redirect(question)
    return render(request, "forum/ask.html", {"form": form})


@signed_in_area
def edit_question(request, pk: int):
    question = get_question_for_user(request.user, pk, write=True)
    initial = {"title": question.title, "body": question.body, "topics": question.topics.all()}
    form = EditQuestionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if response := throttled(request, "forum_write"):
            return response
        if form.is_valid():
            services.edit_question(question=question, editor=request.user, **form.cleaned_data)
            messages.success(request, _("The question has been updated."))
            return redirect(question)
    return render(request, "forum/edit.html", {"form": form, "question": question, "title": _("Edit the question")})


@require_safe
def similar(request):
    """Similar questions while a title is typed (a fragment for forum.js)."""
    questions = similar_questions(user=request.user, title=search_text(request.GET.get("title", "")))
    return render(request, "forum/_similar.html", {"questions": questions})


@require_POST
@signed_in_area
def preview(request):
    if response := throttled(request, "forum_preview"):
        return response
    return HttpResponse(render_markdown(request.POST.get("body", "")[:30_000]))


@require_safe
def attachment(request, pk: int, attachment_pk: int):
    """Files are served only through the question's visibility, never from a public URL."""
    item = get_attachment_for_user(request.user, pk, attachment_pk)
    response = FileResponse(
        item.file.open("rb"), content_type=item.content_type, as_attachment=True, filename=item.original_name
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@capability_required(Capability.ANSWER_QUESTIONS)
def answer(request, pk: int):
    question = get_question_for_user(request.user, pk)
    if response := throttled(request, "forum_write"):
        return response
    form = AnswerForm(request.POST)
    if not form.is_valid():
        context = question_page(user=request.user, question=question)
        context.update(answer_form=form, comment_form=CommentForm(), flag_form=FlagForm())
        return render(request, "forum/question_detail.html", context, status=400)
    run_service(
        request,
        lambda: services.post_answer(question=question, expert=request.user, body=form.cleaned_data["body"]),
        _("Your answer is published."),
    )
    return redirect(safe_next(request) or question)


@capability_required(Capability.ANSWER_QUESTIONS)
def board_answer(request, pk: int):
    question = get_question_for_user(request.user, pk)
    form = BoardAnswerForm(request.POST or None, author=request.user, question=question)
    if request.method == "POST":
        if response := throttled(request, "forum_write"):
            return response
        if form.is_valid() and run_service(
            request,
            lambda: services.draft_board_answer(
                question=question,
                expert=request.user,
                body=form.cleaned_data["body"],
                cosigners=form.cleaned_data["cosigners"],
            ),
            ngettext(
                "The board answer is drafted. It is published when %(count)d other expert co-signs it.",
                "The board answer is drafted. It is published when %(count)d other experts co-sign it.",
                settings.BOARD_ANSWER_QUORUM,
            )
            % {"count": settings.BOARD_ANSWER_QUORUM},
        ):
            return redirect(question)
    return render(
        request,
        "forum/board_answer.html",
        {"form": form, "question": question, "quorum": settings.BOARD_ANSWER_QUORUM},
    )


@require_POST
@capability_required(Capability.ANSWER_QUESTIONS)
def cosign(request, pk: int, answer_pk: int):
    question = get_question_for_user(request.user, pk)
    board_answer = get_answer_for_user(request.user, question, answer_pk)
    run_service(
        request,
        lambda: services.cosign_board_answer(answer=board_answer, expert=request.user),
        _("You co-signed the board answer."),
    )
    return redirect(safe_next(request) or board_answer.get_absolute_url())


@signed_in_area
def edit_answer(request, pk: int, answer_pk: int):
    question = get_question_for_user(request.user, pk)
    item = get_answer_for_user(request.user, question, answer_pk, write=True)
    form = AnswerForm(request.POST or None, initial={"body": item.body})
    if request.method == "POST":
        if response := throttled(request, "forum_write"):
            return response
        if form.is_valid():
            services.edit_answer(answer=item, editor=request.user, body=form.cleaned_data["body"])
            messages.success(request, _("The answer has been updated."))
            return redirect(item.get_absolute_url())
    return render(request, "forum/edit.html", {"form": form, "question": question, "title": _("Edit the answer")})


@require_POST
@signed_in_area
def comment(request, pk: int):
    question = get_question_for_user(request.user, pk)
    if response := throttled(request, "forum_write"):
        return response
    form = CommentForm(request.POST)
    target = _posted_answer(request, question)
    if form.is_valid():
        run_service(
            request,
            lambda: services.post_comment(
                question=question, author=request.user, body=form.cleaned_data["body"], answer=target
            ),
            _("Your clarification is published."),
        )
    else:
        messages.error(request, _("Write your clarification (at most 1,000 characters)."))
    return redirect(target.get_absolute_url() if target else question.get_absolute_url())


@require_POST
@signed_in_area
def accept(request, pk: int, answer_pk: int):
    question = get_question_for_user(request.user, pk)
    item = get_answer_for_user(request.user, question, answer_pk)
    run_service(
        request,
        lambda: services.accept_answer(question=question, user=request.user, answer=item),
        _("You accepted this answer."),
    )
    return redirect(item.get_absolute_url())


@require_POST
@signed_in_area
def helpful(request, pk: int, answer_pk: int):
    question = get_question_for_user(request.user, pk)
    item = get_answer_for_user(request.user, question, answer_pk)
    if response := throttled(request, "forum_write"):
        return response
    run_service(request, lambda: services.toggle_helpful(answer=item, user=request.user))
    return redirect(item.get_absolute_url())


@require_POST
@signed_in_area
def follow(request, pk: int):
    question = get_question_for_user(request.user, pk)
    following = request.POST.get("follow") == "1"
    services.set_following(question=question, user=request.user, follow=following)
    if following:
        messages.success(request, _("You will be notified of new answers and comments."))
    else:
        messages.success(request, _("You no longer follow this question."))
    return redirect(question)


@require_POST
@signed_in_area
def flag(request, pk: int):
    question = get_question_for_user(request.user, pk)
    if response := throttled(request, "forum_write"):
        return response
    form = FlagForm(request.POST)
    comment_pk = id_or_none(request.POST.get("comment", ""))
    target_answer = _posted_answer(request, question)
    target_comment = get_object_or_404(question.comments, pk=comment_pk) if comment_pk is not None else None
    if form.is_valid():
        services.flag_content(
            question=question,
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            answer=target_answer,
            comment=target_comment,
        )
        messages.success(request, _("Thank you: the centre's staff will review your report."))
    else:
        messages.error(request, _("Say briefly what is wrong (at most 500 characters)."))
    return redirect(question)


@signed_in_area
def public_copy(request, pk: int):
    question = get_question_for_user(request.user, pk)
    if question.author_id != request.user.pk:
        raise Http404
    form = PublicCopyForm(request.POST or None, initial={"title": question.title, "body": question.body})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.publish_public_copy(question=question, user=request.user, **form.cleaned_data)
        except services.ForumError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The anonymised copy is public."))
            return redirect(copy)
    answers = question_page(user=request.user, question=question)["answers"]
    return render(request, "forum/public_copy.html", {"form": form, "question": question, "answers": answers})


# Moderation


@capability_required(Capability.MODERATE)
def close(request, pk: int):
    question = get_question_for_user(request.user, pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        original = None
        if form.cleaned_data["duplicate_of"]:
            original = Question.objects.filter(pk=form.cleaned_data["duplicate_of"]).first()
        if run_service(
            request,
            lambda: services.close_question(
                question=question, staff=request.user, reason=form.cleaned_data["reason"], duplicate_of=original
            ),
            _("The question is closed."),
        ):
            return redirect(question)
    return render(request, "forum/close.html", {"form": form, "question": question})


@require_POST
@capability_required(Capability.MODERATE)
def reopen(request, pk: int):
    question = get_question_for_user(request.user, pk)
    services.reopen_question(question=question, staff=request.user)
    messages.success(request, _("The question is open again."))
    return redirect(question)


@require_POST
@capability_required(Capability.MODERATE)
def set_hidden(request, pk: int):
    question = get_question_for_user(request.user, pk)
    target = _posted_answer(request, question) or question
    if target is question and (comment_pk := id_or_none(request.POST.get("comment", ""))) is not None:
        target = get_object_or_404(question.comments, pk=comment_pk)
    hidden = request.POST.get("hidden") == "1"
    services.set_hidden(staff=request.user, target=target, hidden=hidden)
    messages.success(request, _("The content is hidden.") if hidden else _("The content is visible again."))
    return redirect(question)


@require_safe
@capability_required(Capability.MODERATE)
def history(request, pk: int):
    question = get_question_for_user(request.user, pk)
    revisions = question.revisions.select_related("editor", "answer")
    return render(request, "forum/history.html", {"question": question, "revisions": revisions})


@capability_required(Capability.MODERATE)
def moderation(request):
    if request.method == "POST" and (flag_pk := id_or_none(request.POST.get("dismiss", ""))) is not None:
        services.dismiss_flag(flag=get_object_or_404(Flag, pk=flag_pk), staff=request.user)
        messages.success(request, _("The report is dismissed."))
        return redirect("forum:moderation")
    flags = Flag.objects.filter(resolved_at__isnull=True).select_related("question", "answer", "comment", "reporter")
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "forum/moderation.html", {"page": page})


# FAQ


@require_safe
@cached_page
def faq(request):
    search = search_text(request.GET.get("q", ""))
    return render(
        request,
        "forum/faq.html",
        {
            "groups": faq_by_topic(search=search),
            "search": search,
            "perms_moderate": user_can(request.user, Capability.MODERATE),
        },
    )


@capability_required(Capability.MODERATE)
def faq_edit(request, pk: int | None = None, question_pk: int | None = None):
    entry = get_object_or_404(FAQEntry, pk=pk) if pk else None
    initial = {}
    source = None
    if question_pk:
        source = get_question_for_user(request.user, question_pk)
        try:
            initial = services.faq_draft_from_question(source)
        except services.ForumError as error:
            messages.error(request, str(error))
            return redirect(source)
        initial["topic"] = source.topics.first()
    form = FAQEntryForm(request.POST or None, instance=entry, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if source:
            data["question"] = source
        saved = services.save_faq_entry(staff=request.user, entry=entry, **data)
        messages.success(request, _("The FAQ entry is saved."))
        return redirect(saved)
    return render(request, "forum/faq_edit.html", {"form": form, "entry": entry, "source": source})
