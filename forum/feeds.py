from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from forum.models import Answer, Question

FEED_SIZE = 30


class ForumFeed(Feed):
    """New public questions and answers, for the regional Open Innovation platform."""

    feed_type = Atom1Feed
    title = _("Clinical Trials Competence Centre: questions and answers")
    subtitle = _("New public questions to the board of experts and their answers.")
    link = reverse_lazy("forum:list")

    def items(self):
        questions = list(Question.objects.public().select_related("author")[:FEED_SIZE])
        answers = list(
            Answer.objects.published()
            .filter(question__visibility=Question.Visibility.PUBLIC, question__is_hidden=False)
            .select_related("question", "author")
            .order_by("-created_at")[:FEED_SIZE]
        )
        return sorted(questions + answers, key=lambda item: item.created_at, reverse=True)[:FEED_SIZE]

    def item_title(self, item):
        if isinstance(item, Answer):
            return _("Answer: %(title)s") % {"title": item.question.title}
        return item.title

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"{'answer' if isinstance(item, Answer) else 'question'}-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        if isinstance(item, Answer) and item.is_board_answer:
            return str(_("The Board"))
        if isinstance(item, Question) and item.is_anonymised_copy:
            return str(_("A member, anonymised"))
        return item.author.full_name if item.author else str(_("Former member"))
