"""The staff's results: aggregates and charts, free-text answers page by page, the CSV export."""

import csv

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from portal.surveys import selectors
from portal.surveys.models import Question
from portal.surveys.permissions import get_survey_for_runner
from portal.surveys.views.builder import runner_only

TEXTS_SHOWN = 10


@require_safe
@runner_only
def results(request, pk: int):
    survey = get_survey_for_runner(pk)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "results": selectors.survey_results(survey, texts_limit=TEXTS_SHOWN),
            "texts_shown": TEXTS_SHOWN,
        },
    )


@require_safe
@runner_only
def text_answers(request, pk: int, question_pk: int):
    survey = get_survey_for_runner(pk)
    question = get_object_or_404(Question, pk=question_pk, survey=survey, kind=Question.Kind.TEXT)
    page = Paginator(selectors.text_answers(question), 50).get_page(request.GET.get("page"))
    return render(request, "surveys/texts.html", {"survey": survey, "question": question, "page": page})


@require_safe
@runner_only
def export_csv(request, pk: int):
    survey = get_survey_for_runner(pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-responses.csv"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # so that spreadsheets read the file as UTF-8
    writer = csv.writer(response)
    for row in selectors.export_rows(survey):
        writer.writerow(row)
    return response
