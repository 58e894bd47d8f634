"""The comparison of two versions of the guidelines, section by section.

Sections are matched by their ``key``, which stays the same across versions.
A section is added, removed, changed (its title, text or references differ in
the language shown) or unchanged; a kept section may also have moved. Inside a
changed section the words that differ are marked with ``<ins>`` and ``<del>``
in the Markdown source, which is shown as written: rendering Markdown around
the markers would break both.

Everything here works on two ``DocumentView``s already loaded: no queries.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import accumulate
from typing import ClassVar, Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from guidelines.models import Reference, Version
from guidelines.selectors import DocumentView, KeptInProcess, SectionView, published_document

EntryKind = Literal["added", "removed", "changed", "unchanged"]

# Past this many tokens on either side a text is compared paragraph by
# paragraph: the word-level comparison grows with the product of the lengths.
MAX_TOKENS = 20_000
# The same guard for one block of changed lines compared word by word (about
# 5,000 tokens a side, a few tenths of a second at worst); a larger block is
# shown removed and added whole.
MAX_BLOCK_PRODUCT = 25_000_000

_EMPTY = mark_safe("")  # an empty literal  # nosec B308


@dataclass
class Entry:
    """One section in the comparison: ``old`` and ``new`` are its two sides
    (``None`` where it does not exist)."""

    is_run: ClassVar[bool] = False

    kind: EntryKind
    old: SectionView | None
    new: SectionView | None
    # Its order among the sections both versions have is not the same, or it
    # went from chapter to section or back.
    moved: bool = False
    # Safe HTML, empty unless the title (or the text) of a kept section changed.
    title_diff: SafeString = _EMPTY
    body_diff: SafeString = _EMPTY
    references_added: list[str] = field(default_factory=list)
    references_removed: list[str] = field(default_factory=list)

    @property
    def view(self) -> SectionView:
        """The side to show: the newer one, or the older for a removed section."""
        return self.new or self.old

    @property
    def key(self) -> str:
        return self.view.key

    @property
    def title(self) -> str:
        return self.view.title

    @property
    def old_number(self) -> str:
        return self.old.number if self.old else ""

    @property
    def new_number(self) -> str:
        return self.new.number if self.new else ""

    @property
    def number(self) -> str:
        return self.view.number

    @property
    def renumbered(self) -> bool:
        return bool(self.old and self.new and self.old.number != self.new.number)

    @property
    def number_label(self) -> str:
        """``2.3 → 2.4`` for a renumbered section, else its number."""
        if self.old and self.new and self.renumbered:
            return f"{self.old.number} → {self.new.number}"
        return self.number

    @property
    def title_changed(self) -> bool:
        return bool(self.title_diff)

    @property
    def body_changed(self) -> bool:
        return bool(self.body_diff)

    @property
    def references_changed(self) -> bool:
        return bool(self.references_added or self.references_removed)

    @property
    def old_is_fallback(self) -> bool:
        return bool(self.old and self.old.is_fallback)

    @property
    def new_is_fallback(self) -> bool:
        return bool(self.new and self.new.is_fallback)

    @property
    def fallback_language(self) -> str:
        """The language of the text shown, when the section is shown untranslated
        in it on both sides (for a ``lang`` attribute); else empty."""
        view = self.view
        return view.language if view.is_fallback and not self.languages_differ else ""

    @property
    def languages_differ(self) -> bool:
        """The two sides are shown in different languages (one has no
        translation yet), so their texts differ throughout."""
        return bool(self.old and self.new and self.old.language != self.new.language)


@dataclass
class UnchangedRun:
    """Consecutive unchanged sections that did not move: shown as one collapsed group."""

    is_run: ClassVar[bool] = True

    entries: list[Entry]

    @property
    def first(self) -> Entry:
        return self.entries[0]

    @property
    def last(self) -> Entry:
        return self.entries[-1]


@dataclass
class Comparison:
    entries: list[Entry]
    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0
    moved: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.moved)

    @property
    def parts(self) -> list[Entry | UnchangedRun]:
        """The entries in order, with runs of unchanged sections that stayed in
        place grouped, so that a page can collapse them where they are."""
        parts: list[Entry | UnchangedRun] = []
        for entry in self.entries:
            if entry.kind != "unchanged" or entry.moved:
                parts.append(entry)
            elif parts and isinstance(parts[-1], UnchangedRun):
                parts[-1].entries.append(entry)
            else:
                parts.append(UnchangedRun([entry]))
        return parts


def compare(old: DocumentView, new: DocumentView) -> Comparison:
    """Compare two versions of the guidelines as a reader sees them.

    Sections are matched by ``key``. The entries follow the newer version's
    order; a removed section comes right after the one that preceded it in the
    older version (or first, if nothing did). Titles, texts and references are
    compared as shown, in the documents' language or in the fallback language
    of an untranslated section (``Entry.languages_differ`` tells when the two
    sides are in different languages). Changed titles and texts come with a
    word-level diff as safe HTML: every piece of user text is escaped.

    Runs no queries: both documents, and their sections' references, are
    already loaded.
    """
    old_by_key = {view.key: view for view in old.sections}
    new_by_key = {view.key: view for view in new.sections}
    moved = _moved_keys(old, new, old_by_key, new_by_key)

    # Removed sections, by the last kept section before them in the older version.
    removed_after: dict[str | None, list[SectionView]] = {}
    anchor = None
    for view in old.sections:
        if view.key in new_by_key:
            anchor = view.key
        else:
            removed_after.setdefault(anchor, []).append(view)

    entries = [_removed(view) for view in removed_after.pop(None, [])]
    for view in new.sections:
        before = old_by_key.get(view.key)
        if before is None:
            entries.append(_added(view))
            continue
        entries.append(_kept(before, view, moved=view.key in moved))
        entries.extend(_removed(gone) for gone in removed_after.pop(view.key, []))

    counts = Counter(entry.kind for entry in entries)
    return Comparison(
        entries=entries,
        added=counts["added"],
        removed=counts["removed"],
        changed=counts["changed"],
        unchanged=counts["unchanged"],
        moved=sum(entry.moved for entry in entries),
    )


def compare_versions(older: Version, newer: Version, language: str) -> Comparison:
    """``compare`` of two versions as a reader of ``language`` sees them.

    Published versions never change: the comparison of two of them is kept in
    the process (the last few pairs, per interface language too, since the page
    carries translated labels), so a page asking again runs no query and no diff.
    """
    if not (older.is_published and newer.is_published):
        return compare(published_document(older, language), published_document(newer, language))
    # The times too: a primary key may name another version in a database emptied since (tests).
    key = (older.pk, older.created_at, newer.pk, newer.created_at, language, get_language())
    return _published_comparisons.get_or_compute(
        key, lambda: compare(published_document(older, language), published_document(newer, language))
    )


_published_comparisons = KeptInProcess(32)


def _moved_keys(old: DocumentView, new: DocumentView, old_by_key, new_by_key) -> set[str]:
    """The kept sections outside the longest run of kept sections in the same
    order (the fewest that moved), and those whose level changed."""
    old_order = [view.key for view in old.sections if view.key in new_by_key]
    new_order = [view.key for view in new.sections if view.key in old_by_key]
    # Keys are unique: each has a single place to match, which keeps this cheap.
    in_place = set()
    for block in SequenceMatcher(None, old_order, new_order, autojunk=False).get_matching_blocks():
        in_place.update(old_order[block.a : block.a + block.size])
    return {key for key in new_order if key not in in_place or old_by_key[key].level != new_by_key[key].level}


def _added(view: SectionView) -> Entry:
    return Entry(kind="added", old=None, new=view, references_added=[_citation(ref) for ref in view.references])


def _removed(view: SectionView) -> Entry:
    return Entry(kind="removed", old=view, new=None, references_removed=[_citation(ref) for ref in view.references])


def _kept(old: SectionView, new: SectionView, *, moved: bool) -> Entry:
    old_refs = Counter(_citation(ref) for ref in old.references)
    new_refs = Counter(_citation(ref) for ref in new.references)
    # A difference of Counters keeps the order of its left side: each list
    # follows the order of the version it comes from.
    added = list((new_refs - old_refs).elements())
    removed = list((old_refs - new_refs).elements())
    title_diff = _EMPTY if _same_text(old.title, new.title) else diff_words(old.title, new.title)
    body_diff = _EMPTY if _same_text(old.body, new.body) else diff_text(old.body, new.body)
    changed = bool(title_diff or body_diff or added or removed)
    return Entry(
        kind="changed" if changed else "unchanged",
        old=old,
        new=new,
        moved=moved,
        title_diff=title_diff,
        body_diff=body_diff,
        references_added=added,
        references_removed=removed,
    )


def _same_text(old: str, new: str) -> bool:
    """Equal but for spaces at the ends of lines and of the text, which a reader does not see."""
    return old == new or [key for key, _ in _tokens(old.strip())] == [key for key, _ in _tokens(new.strip())]


def _citation(reference: Reference) -> str:
    """What identifies a reference in the comparison: its citation and the title of its source."""
    return f"{reference.citation} – {reference.title}" if reference.title else reference.citation


# The word-level diff.
#
# A text is cut into tokens: a word or a punctuation mark with the spaces that
# follow it, a line break (with the next line's indentation), or a paragraph
# break (a blank line). Tokens are compared by their key, which leaves out the
# trailing spaces, so that only words, marks and the line structure count, and
# the matcher never has to align thousands of identical space tokens.

_TOKEN = re.compile(
    r"""
      [^\S\n]*\n(?:[^\S\n]*\n)+[^\S\n]*   # a paragraph break: one or more blank lines
    | [^\S\n]*\n[^\S\n]*                  # a line break
    | [^\S\n]+                            # spaces at the very start
    | \w+[^\S\n]*                         # a word
    | [^\w\s][^\S\n]*                     # a punctuation mark or a symbol
    """,
    re.VERBOSE,
)
_PARAGRAPHS = re.compile(r"[^\S\n]*\n(?:[^\S\n]*\n)+\s*")

# (key, text)
Token = tuple[str, str]


def _tokens(text: str) -> list[Token]:
    tokens = []
    for match in _TOKEN.finditer(text.replace("\r\n", "\n").replace("\r", "\n")):
        piece = match.group()
        if "\n" in piece:
            indentation = piece.rsplit("\n", 1)[1]
            key = ("\n\n" if piece.count("\n") > 1 else "\n") + indentation
        else:
            key = piece.rstrip() or piece
        tokens.append((key, piece))
    return tokens


def _is_break(token: Token) -> bool:
    return token[0].startswith("\n")


def _is_paragraph_break(token: Token) -> bool:
    return token[0].startswith("\n\n")


@dataclass
class _Markers:
    """Hidden words that tell screen readers where an insertion or a deletion
    starts and ends: most do not announce ``<ins>`` and ``<del>`` at all."""

    ins: tuple[str, str]
    delete: tuple[str, str]

    @classmethod
    def current(cls) -> "_Markers":
        return cls(
            ins=(gettext("[added text]"), gettext("[end of added text]")),
            delete=(gettext("[removed text]"), gettext("[end of removed text]")),
        )

    def wrap(self, tag: str, html: str) -> str:
        start, end = self.ins if tag == "ins" else self.delete
        return (
            f'<{tag}><span class="visually-hidden">{escape(start)} </span>{html}'
            f'<span class="visually-hidden"> {escape(end)}</span></{tag}>'
        )


def diff_text(old: str, new: str) -> SafeString:
    """The word-level diff of two Markdown sources as safe HTML paragraphs
    (``<p>``, one per block of text between blank lines), with ``<ins>`` and
    ``<del>``. Compared paragraph by paragraph past ``MAX_TOKENS`` tokens."""
    paragraphs = _render(_fold_indentation(_runs(old, new)), _Markers.current())
    return mark_safe("".join(f"<p>{paragraph}</p>" for paragraph in paragraphs))  # noqa: S308 (escaped in _render)  # nosec B308, B703


def diff_words(old: str, new: str) -> SafeString:
    """The word-level diff of two short texts, such as titles, as inline safe HTML."""
    paragraphs = _render(_fold_indentation(_runs(old, new)), _Markers.current())
    return mark_safe(" ".join(paragraphs))  # noqa: S308 (escaped in _render)  # nosec B308, B703


# A run: "equal", "insert" or "delete", and its tokens.
Run = tuple[str, list[Token]]


def _runs(old: str, new: str) -> list[Run]:
    a, b = _tokens(old), _tokens(new)
    if len(a) > MAX_TOKENS or len(b) > MAX_TOKENS:
        return _paragraph_runs(old, new)
    # Lines first (cheap, and most lines of a revised text are untouched), then
    # the words of each block of lines that changed.
    a_lines, b_lines = _lines(a), _lines(b)
    a_keys = [tuple(key for key, _ in line) for line in a_lines]
    b_keys = [tuple(key for key, _ in line) for line in b_lines]
    runs: list[Run] = []
    for tag, a0, a1, b0, b1 in SequenceMatcher(None, a_keys, b_keys, autojunk=False).get_opcodes():
        old_tokens = [token for line in a_lines[a0:a1] for token in line]
        new_tokens = [token for line in b_lines[b0:b1] for token in line]
        if tag == "equal":
            runs.append(("equal", _kept_tokens(old_tokens, new_tokens)))
        elif tag == "replace" and len(old_tokens) * len(new_tokens) <= MAX_BLOCK_PRODUCT:
            runs.extend(_word_runs(old_tokens, new_tokens))
        else:
            runs.append(("delete", old_tokens))
            runs.append(("insert", new_tokens))
    return [run for run in runs if run[1]]


def _lines(tokens: list[Token]) -> list[list[Token]]:
    lines: list[list[Token]] = [[]]
    for token in tokens:
        lines[-1].append(token)
        if _is_break(token):
            lines.append([])
    return [line for line in lines if line]


def _word_runs(a: list[Token], b: list[Token]) -> list[Run]:
    a_keys = [key for key, _ in a]
    b_keys = [key for key, _ in b]
    # autojunk would treat frequent words ("the", "di", commas) as noise and
    # never align them, leaving the diff in pieces.
    opcodes = SequenceMatcher(None, a_keys, b_keys, autojunk=False).get_opcodes()
    runs: list[Run] = []
    for tag, a0, a1, b0, b1 in _merge_small_equalities(opcodes, a_keys, b_keys):
        if tag == "equal":
            runs.append(("equal", _kept_tokens(a[a0:a1], b[b0:b1])))
        else:
            runs.append(("delete", a[a0:a1]))
            runs.append(("insert", b[b0:b1]))
    return runs


def _kept_tokens(a: list[Token], b: list[Token]) -> list[Token]:
    """The newer side of an unchanged stretch, but with the space after its last
    word if the older side had one: "within 10 days" to "within 10" must show
    "within 10 <del>days</del>", not "within 10<del>days</del>"."""
    if a and b and b[-1][1] == b[-1][1].rstrip() and a[-1][1] != a[-1][1].rstrip():
        return [*b[:-1], a[-1]]
    return b


def _merge_small_equalities(opcodes, a_keys: list[str], b_keys: list[str]):
    """Absorb a short unchanged stretch between two changes into them (as
    diff-match-patch's semantic cleanup does): "<del>a</del><ins>b</ins> the
    <del>c</del><ins>d</ins>" reads better as one change. Never across a line."""

    a_ends = list(accumulate((len(key) for key in a_keys), initial=0))
    b_ends = list(accumulate((len(key) for key in b_keys), initial=0))

    def edit_size(op) -> int:
        _, a0, a1, b0, b1 = op
        return max(a_ends[a1] - a_ends[a0], b_ends[b1] - b_ends[b0])

    merged: list[tuple[str, int, int, int, int]] = []
    for op in opcodes:
        merged.append(op)
        while len(merged) >= 3:
            before, equal, after = merged[-3:]
            if before[0] == "equal" or equal[0] != "equal" or after[0] == "equal":
                break
            _, a0, a1, _, _ = equal
            if any(key.startswith("\n") for key in a_keys[a0:a1]):
                break
            if a_ends[a1] - a_ends[a0] > min(edit_size(before), edit_size(after)):
                break
            merged[-3:] = [("replace", before[1], after[2], before[3], after[4])]
    return merged


def _paragraph_runs(old: str, new: str) -> list[Run]:
    """Whole paragraphs kept, removed or added: for texts too long to compare word by word."""

    def paragraphs(text: str) -> list[str]:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        return [part for part in _PARAGRAPHS.split(text) if part.strip()]

    a, b = paragraphs(old), paragraphs(new)
    runs: list[Run] = []
    for tag, a0, a1, b0, b1 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append(("equal", _as_tokens(b[b0:b1])))
        else:
            runs.append(("delete", _as_tokens(a[a0:a1])))
            runs.append(("insert", _as_tokens(b[b0:b1])))
    return [run for run in runs if run[1]]


def _as_tokens(paragraphs: list[str]) -> list[Token]:
    tokens: list[Token] = []
    for paragraph in paragraphs:
        tokens.append((paragraph, paragraph))
        tokens.append(("\n\n", "\n\n"))
    return tokens


def _fold_indentation(runs: list[Run]) -> list[Run]:
    """A line or paragraph break removed and the same break added with another
    indentation is an unchanged break (the newer indentation is shown)."""

    def shape(tokens: list[Token]) -> list[bool] | None:
        if not all(_is_break(token) for token in tokens):
            return None
        return [_is_paragraph_break(token) for token in tokens]

    folded: list[Run] = []
    for run in runs:
        if (
            run[0] == "insert"
            and folded
            and folded[-1][0] == "delete"
            and shape(run[1]) is not None
            and shape(run[1]) == shape(folded[-1][1])
        ):
            folded[-1] = ("equal", run[1])
        else:
            folded.append(run)
    return folded


def _render(runs: list[Run], markers: _Markers) -> list[str]:
    """The runs as paragraphs of escaped HTML. A paragraph break inside added
    or removed text ends the paragraph; a break that alone was added or
    removed (a paragraph split or joined) is shown by a marked ¶."""
    paragraphs: list[str] = []
    current: list[str] = []

    def end_paragraph(token: Token) -> None:
        if "".join(current).strip():
            paragraphs.append("".join(current))
        current.clear()
        # The next paragraph's indentation.
        current.append(escape(token[1].rsplit("\n", 1)[1]))

    def changed(tag: str, text: str) -> None:
        words = text.rstrip()
        if words.strip():
            if tag == "ins" and next((html for html in reversed(current) if html), "").endswith("</del>"):
                # A replacement: keep the old and the new words apart ("fast slow", not "fastslow").
                current.append(" ")
            current.append(markers.wrap(tag, escape(words)))
            # The spaces or the line break after a change stay outside it.
            current.append(escape(text[len(words) :]))
        elif tag == "ins":
            # Only spaces changed (an indentation): show the newer ones.
            current.append(escape(text))

    for kind, tokens in runs:
        if kind == "equal":
            for token in tokens:
                if _is_paragraph_break(token):
                    end_paragraph(token)
                else:
                    current.append(escape(token[1]))
            continue
        tag = "ins" if kind == "insert" else "del"
        if all(_is_break(token) for token in tokens):
            for token in tokens:
                current.append(markers.wrap(tag, "¶"))
                if kind == "insert":
                    if _is_paragraph_break(token):
                        end_paragraph(token)
                    else:
                        current.append(escape(token[1]))
            continue
        pending: list[str] = []
        for token in tokens:
            if _is_paragraph_break(token):
                changed(tag, "".join(pending))
                pending.clear()
                end_paragraph(token)
            else:
                pending.append(token[1])
        changed(tag, "".join(pending))
    if "".join(current).strip():
        paragraphs.append("".join(current))
    return paragraphs
