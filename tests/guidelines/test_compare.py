"""The comparison of two versions of the guidelines (guidelines/compare.py) and
its template fragment.

Most tests build the two documents from unsaved sections and have no database
access, so any query in the comparison would fail them; one test loads real
versions and counts the queries."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from guidelines.compare import MAX_TOKENS, UnchangedRun, compare, diff_text, diff_words
from guidelines.models import Reference, Section, Version
from guidelines.selectors import DocumentView, SectionView, document
from portal.markdown import render_markdown

CHAPTER, SECTION = Section.Level.CHAPTER, Section.Level.SECTION


@pytest.fixture(autouse=True)
def _english():
    # The hidden words for screen readers are in the active language.
    with translation.override("en"):
        yield


def view(key, number, title=None, body="", *, level=SECTION, language="en", is_fallback=False, references=()):
    title = key.capitalize() if title is None else title
    section = Section(key=key, level=level, position=0, title_en=title, body_en=body)
    return SectionView(
        section=section,
        number=number,
        title=title,
        body=body,
        body_html=render_markdown(body) if body else "",
        language=language,
        is_fallback=is_fallback,
        references=list(references),
    )


def doc(*views):
    version = Version(title_it="Linee guida", title_en="Guidelines")
    return DocumentView(version=version, language="en", title="Guidelines", sections=list(views), sources=[])


def reference(document, locator="", title=""):
    return Reference(kind=Reference.Kind.OTHER, document=document, locator=locator, title=title)


def plain(html):
    """The diff without the hidden words that announce insertions and deletions."""
    return re.sub(r'<span class="visually-hidden">[^<]*</span>', "", str(html))


def summary(comparison):
    return [(entry.key, entry.kind) for entry in comparison.entries]


# Sections: added, removed, changed, unchanged, and where they go.


def test_compare_classifies_sections_in_the_newer_order_with_removed_ones_where_they_were():
    old = doc(
        view("intro", "1", level=CHAPTER),
        view("scope", "1.1", body="Devices of class III."),
        view("legacy", "1.2", body="Devices under the MDD."),
        view("safety", "2", level=CHAPTER),
    )
    new = doc(
        view("intro", "1", level=CHAPTER),
        view("scope", "1.1", body="Devices of class IIb and III."),
        view("software", "1.2", body="Software as a medical device."),
        view("safety", "2", level=CHAPTER),
    )

    comparison = compare(old, new)

    assert summary(comparison) == [
        ("intro", "unchanged"),
        ("scope", "changed"),
        ("legacy", "removed"),
        ("software", "added"),
        ("safety", "unchanged"),
    ]
    assert (comparison.added, comparison.removed, comparison.changed, comparison.unchanged) == (1, 1, 1, 2)
    assert comparison.moved == 0
    assert comparison.has_changes is True
    legacy, software = comparison.entries[2], comparison.entries[3]
    assert (legacy.old, legacy.new, legacy.number, legacy.title) == (old.sections[2], None, "1.2", "Legacy")
    assert (software.old, software.new, software.number) == (None, new.sections[2], "1.2")
    assert legacy.body_diff == software.body_diff == ""


def test_compare_puts_removed_sections_first_when_nothing_preceded_them_and_keeps_their_order():
    old = doc(view("preface", "1", level=CHAPTER), view("a", "1.1"), view("b", "2", level=CHAPTER), view("c", "2.1"))
    new = doc(view("b", "1", level=CHAPTER), view("c", "1.1"))

    comparison = compare(old, new)

    assert summary(comparison) == [("preface", "removed"), ("a", "removed"), ("b", "unchanged"), ("c", "unchanged")]
    assert [entry.number for entry in comparison.entries] == ["1", "1.1", "1", "1.1"]


def test_compare_puts_a_run_of_removed_sections_after_the_last_kept_one_before_them():
    old = doc(view("a", "1.1"), view("b", "1.2"), view("c", "1.3"), view("d", "1.4"))
    new = doc(view("a", "1.1"), view("d", "1.2"), view("e", "1.3"))

    comparison = compare(old, new)

    assert summary(comparison) == [
        ("a", "unchanged"),
        ("b", "removed"),
        ("c", "removed"),
        ("d", "unchanged"),
        ("e", "added"),
    ]


def test_compare_shows_old_and_new_numbers_of_a_renumbered_section():
    old = doc(view("a", "2.1"), view("b", "2.2"))
    new = doc(view("new", "2.1"), view("a", "2.2"), view("b", "2.3"))

    comparison = compare(old, new)

    a = comparison.entries[1]
    assert (a.kind, a.renumbered, a.moved) == ("unchanged", True, False)
    assert (a.old_number, a.new_number, a.number, a.number_label) == ("2.1", "2.2", "2.2", "2.1 → 2.2")
    assert comparison.entries[0].renumbered is False
    assert comparison.entries[0].number_label == "2.1"


def test_compare_marks_the_fewest_sections_that_moved_and_those_that_changed_level():
    old = doc(view("a", "1.1"), view("b", "1.2"), view("c", "1.3"), view("d", "1.4"))
    new = doc(view("b", "1.1"), view("c", "1.2"), view("a", "1.3"), view("d", "2", level=CHAPTER))

    comparison = compare(old, new)

    assert [(entry.key, entry.moved) for entry in comparison.entries] == [
        ("b", False),
        ("c", False),
        ("a", True),
        ("d", True),
    ]
    assert comparison.moved == 2
    assert comparison.unchanged == 4
    assert comparison.has_changes is True


def test_a_document_compared_with_itself_has_no_changes():
    reference_ = reference("MDCG 2021-6", "Q&A 3")
    same = doc(
        view("intro", "1", level=CHAPTER, body="Text with **Markdown**."),
        view("scope", "1.1", body="First.\n\nSecond.", references=[reference_]),
        view("fallback", "1.2", body="Testo.", language="it", is_fallback=True),
    )

    comparison = compare(same, same)

    assert comparison.has_changes is False
    assert (comparison.added, comparison.removed, comparison.changed, comparison.unchanged) == (0, 0, 0, 3)
    assert all(
        not (entry.title_diff or entry.body_diff or entry.references_added or entry.references_removed or entry.moved)
        for entry in comparison.entries
    )
    [part] = comparison.parts
    assert isinstance(part, UnchangedRun)
    assert [entry.key for entry in part.entries] == ["intro", "scope", "fallback"]


def test_spaces_at_the_ends_of_lines_are_no_change():
    comparison = compare(doc(view("a", "1.1", body="Text.  \n")), doc(view("a", "1.1", body="Text.")))

    assert comparison.entries[0].kind == "unchanged"


def test_parts_group_consecutive_unchanged_sections_that_stayed_in_place():
    old = doc(view("a", "1.1"), view("b", "1.2"), view("c", "1.3", body="x"), view("d", "1.4"), view("e", "1.5"))
    new = doc(view("a", "1.1"), view("b", "1.2"), view("c", "1.3", body="y"), view("e", "1.4"), view("d", "1.5"))

    parts = compare(old, new).parts

    # d and e swapped: one of them moved (e, here), the other is in place.
    assert [[entry.key for entry in part.entries] if part.is_run else part.key for part in parts] == [
        ["a", "b"],
        "c",
        "e",
        ["d"],
    ]
    assert (parts[0].first.key, parts[0].last.key) == ("a", "b")


# Changed sections: titles, texts, references, languages.


def test_a_changed_section_has_word_level_diffs_of_its_title_and_text():
    old = doc(view("report", "3.1", "Reporting of events", "Notify the sponsor within 10 days."))
    new = doc(view("report", "3.1", "Reporting of serious events", "Notify the sponsor within 15 days."))

    [entry] = compare(old, new).entries

    assert entry.kind == "changed"
    assert (entry.title_changed, entry.body_changed, entry.references_changed) == (True, True, False)
    assert plain(entry.title_diff) == "Reporting of <ins>serious</ins> events"
    assert plain(entry.body_diff) == "<p>Notify the sponsor within <del>10</del> <ins>15</ins> days.</p>"
    assert isinstance(entry.title_diff, SafeString)
    assert isinstance(entry.body_diff, SafeString)


def test_only_the_title_changed():
    [entry] = compare(
        doc(view("a", "1", "Scope", "Same.")), doc(view("a", "1", "Scope of the guidelines", "Same."))
    ).entries

    assert (entry.kind, entry.title_changed, entry.body_changed) == ("changed", True, False)
    assert entry.body_diff == ""


def test_diff_marks_replaced_words_with_hidden_words_for_screen_readers():
    assert diff_text("within 10 days", "within 15 days") == (
        "<p>within "
        '<del><span class="visually-hidden">[removed text] </span>10'
        '<span class="visually-hidden"> [end of removed text]</span></del> '
        '<ins><span class="visually-hidden">[added text] </span>15'
        '<span class="visually-hidden"> [end of added text]</span></ins>'
        " days</p>"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("within 10 days", "within 10 working days", "<p>within 10 <ins>working</ins> days</p>"),
        ("within 10 working days", "within 10 days", "<p>within 10 <del>working</del> days</p>"),
        ("within 10 days", "within 10", "<p>within 10 <del>days</del></p>"),
        ("Article (10)", "Article (15)", "<p>Article (<del>10</del> <ins>15</ins>)</p>"),
        # A short unchanged word between two changes joins them: one change reads better.
        (
            "the red car is fast",
            "a blue bike is slow",
            "<p><del>the red car is fast</del> <ins>a blue bike is slow</ins></p>",
        ),
        # Paragraphs: blank lines; a removed paragraph stays a paragraph.
        ("First.\n\nSecond.\n\nThird.", "First.\n\nThird.", "<p>First.</p><p><del>Second.</del></p><p>Third.</p>"),
        ("First.\n\n\n\nSecond.", "First.\n\nSecond.", "<p>First.</p><p>Second.</p>"),
        # A paragraph joined to the next, or split in two: a marked ¶.
        ("One.\n\nTwo.", "One. Two.", "<p>One. <del>¶</del>Two.</p>"),
        ("One. Two.", "One.\n\nTwo.", "<p>One. <ins>¶</ins></p><p>Two.</p>"),
        # Lines (list items) keep their breaks; Markdown is shown as written.
        (
            "- one\n- **two**\n- three",
            "- one\n- **2**\n- three\n- four",
            "<p>- one\n- **<del>two</del> <ins>2</ins>**\n- three<ins>\n- four</ins></p>",
        ),
        # Only the indentation changed: no marks, the newer spaces.
        ("Steps:\n  - a", "Steps:\n    - a", "<p>Steps:\n    - a</p>"),
        ("", "New text.", "<p><ins>New text.</ins></p>"),
        ("Old text.", "", "<p><del>Old text.</del></p>"),
    ],
)
def test_diff_text(old, new, expected):
    assert plain(diff_text(old, new)) == expected


def test_diff_escapes_the_sources():
    old = '<script>alert("x")</script> & <b>bold</b>'
    new = '<script>alert("y")</script> & <b>bold</b>'

    html = diff_text(old, new)

    assert plain(html) == (
        "<p>&lt;script&gt;alert(&quot;<del>x</del> <ins>y</ins>&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;</p>"
    )
    assert "<script" not in html
    assert plain(diff_words("<i>Scope</i>", "<i>Aim</i>")) == "&lt;i&gt;<del>Scope</del> <ins>Aim</ins>&lt;/i&gt;"


def test_compare_escapes_titles_and_bodies():
    old = doc(view("a", "1", "Title <img src=x onerror=alert(1)>", "Body <script>alert(1)</script>"))
    new = doc(view("a", "1", "Title <img src=y onerror=alert(1)>", "Body <script>alert(2)</script>"))

    [entry] = compare(old, new).entries

    assert "<img" not in entry.title_diff
    assert "&lt;img src=" in entry.title_diff
    assert "<script" not in entry.body_diff
    assert "&lt;script&gt;alert(" in entry.body_diff


def test_huge_texts_are_compared_paragraph_by_paragraph():
    first = " ".join(f"word{i}" for i in range(MAX_TOKENS))
    second = "The second paragraph."
    old = f"{first}\n\n{second}"
    new = f"{first}\n\nThe changed second paragraph."

    html = plain(diff_text(old, new))

    assert html == (
        f"<p>{first}</p><p><del>The second paragraph.</del></p><p><ins>The changed second paragraph.</ins></p>"
    )


def test_references_added_and_removed_are_compared_by_citation_and_title():
    mdr = reference("Regulation (EU) 2017/745 (MDR)", "Art. 80")
    old = doc(
        view("report", "3.1", references=[mdr, reference("MDCG 2020-10/1", title="Safety reporting")]),
    )
    new = doc(
        view(
            "report",
            "3.1",
            references=[
                reference("Regulation (EU) 2017/745 (MDR)", "Art. 80"),
                reference("MDCG 2020-10/1", title="Safety reporting in clinical investigations"),
                reference("ISO 14155:2020", "clause 7.4"),
            ],
        ),
    )

    [entry] = compare(old, new).entries

    assert entry.kind == "changed"
    assert (entry.title_changed, entry.body_changed, entry.references_changed) == (False, False, True)
    assert entry.references_added == [
        "MDCG 2020-10/1 – Safety reporting in clinical investigations",
        "ISO 14155:2020, clause 7.4",
    ]
    assert entry.references_removed == ["MDCG 2020-10/1 – Safety reporting"]


def test_added_and_removed_sections_list_all_their_references():
    old = doc(view("gone", "1", references=[reference("MDCG 2021-6")]))
    new = doc(view("new", "1", references=[reference("ISO 14155:2020", "clause 6")]))

    removed, added = compare(old, new).entries

    assert (removed.kind, removed.references_removed, removed.references_added) == ("removed", ["MDCG 2021-6"], [])
    assert (added.kind, added.references_added, added.references_removed) == ("added", ["ISO 14155:2020, clause 6"], [])


def test_a_section_shown_in_the_fallback_language_on_one_side_is_compared_as_shown():
    old = doc(view("a", "1", "Ambito", "Testo italiano.", language="it", is_fallback=True))
    new = doc(view("a", "1", "Scope", "English text."))

    [entry] = compare(old, new).entries

    assert entry.kind == "changed"
    assert (entry.old_is_fallback, entry.new_is_fallback, entry.languages_differ) == (True, False, True)
    assert entry.fallback_language == ""
    assert plain(entry.title_diff) == "<del>Ambito</del> <ins>Scope</ins>"


def test_a_section_untranslated_in_both_versions_names_its_language():
    old = doc(view("a", "1", "Ambito", "Testo.", language="it", is_fallback=True))
    new = doc(view("a", "1", "Ambito", "Testo nuovo.", language="it", is_fallback=True))

    [entry] = compare(old, new).entries

    assert (entry.old_is_fallback, entry.new_is_fallback, entry.languages_differ) == (True, True, False)
    assert entry.fallback_language == "it"


# The template fragment.


def render(comparison, old_label="1.0", new_label="1.1"):
    return render_to_string(
        "guidelines/_comparison.html", {"comparison": comparison, "old_label": old_label, "new_label": new_label}
    )


def test_the_fragment_shows_the_summary_badges_and_diffs():
    old = doc(
        view("intro", "1", level=CHAPTER),
        view("scope", "1.1", body="Devices."),
        view("legacy", "1.2", "Legacy <devices>", "Devices under the *MDD*."),
        view("safety", "2", level=CHAPTER),
        view("report", "2.1", body="Within 10 days.", references=[reference("MDCG 2020-10/1")]),
    )
    new = doc(
        view("intro", "1", level=CHAPTER),
        view("scope", "1.1", body="Devices."),
        view("safety", "2", level=CHAPTER),
        view("report", "2.1", body="Within 15 days.", references=[reference("ISO 14155:2020", "clause 7.4")]),
        view("software", "2.2", "Software", "Software as a *medical device*.", language="it", is_fallback=True),
    )

    html = render(compare(old, new))

    assert "From version 1.0 to version 1.1" in html
    for text in (
        "1 section added",
        "1 section removed",
        "1 section changed",
        "3 sections unchanged",
        '<span class="badge bg-success">Added</span>',
        '<span class="badge bg-danger">Removed</span>',
        '<span class="badge bg-warning">Changed</span>',
        "2 unchanged sections: 1 to 1.1",
        "1 unchanged section: 2",
        "Within <del>",
        "<em>medical device</em>",  # an added section's text, rendered
        "<em>MDD</em>",  # a removed section's text, rendered
        "Legacy &lt;devices&gt;",
        "<li>ISO 14155:2020, clause 7.4</li>",
        "<li>MDCG 2020-10/1</li>",
        "Not translated in version 1.1: shown in Italian.",
        'lang="it"',
    ):
        assert text in html, text
    assert "The two versions have the same" not in html
    assert 'id="change-legacy"' in html
    assert html.index('id="change-legacy"') < html.index('id="change-safety"') < html.index('id="change-software"')


def test_the_fragment_says_when_nothing_changed():
    same = doc(view("a", "1", level=CHAPTER), view("b", "1.1"))

    html = render(compare(same, same))

    assert "0 sections added" in html
    assert "2 sections unchanged" in html
    assert "The two versions have the same sections, texts and references." in html
    assert "badge" not in html
    assert "<ins>" not in html


def test_the_fragment_shows_renumbering_and_moves():
    old = doc(view("a", "1.1"), view("b", "1.2"), view("c", "1.3"))
    new = doc(view("c", "1.1"), view("a", "1.2"), view("b", "1.3"))

    html = render(compare(old, new))

    assert "1 section moved" in html
    assert '<span class="badge bg-primary">Moved</span>' in html
    assert '<span aria-hidden="true">1.3 → 1.1</span><span class="visually-hidden">1.3, now 1.1</span>' in html


# Queries.


def _publish(version, minor):
    version.status, version.major, version.minor = Version.Status.PUBLISHED, 1, minor
    version.published_at = timezone.now()
    version.save()


def _version_with(count, *, changed):
    version = Version.objects.create(title_it="Linee guida", title_en="Guidelines")
    for position in range(count):
        section = Section.objects.create(
            version=version,
            key=f"s{position}",
            position=position,
            title_it=f"Sezione {position}",
            title_en=f"Section {position}",
            body_it="Testo.",
            body_en="Within 15 days." if changed else "Within 10 days.",
        )
        Reference.objects.create(section=section, kind=Reference.Kind.MDR, document="MDR", locator=f"Art. {position}")
    return version


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 5])
def test_comparing_and_rendering_loaded_versions_runs_no_queries(count, django_assert_num_queries):
    first = _version_with(count, changed=False)
    _publish(first, 0)
    draft = _version_with(count, changed=True)
    old, new = document(first, "en"), document(draft, "en")

    with django_assert_num_queries(0):
        comparison = compare(old, new)
        html = render(comparison, "1.0", "draft")

    assert comparison.changed == count
    assert html.count('<span class="badge bg-warning">Changed</span>') == count
