"""French full-text search of the published projects, accents or not.

On PostgreSQL each project keeps a weighted vector (title A, territory and summary B, the rest C) under the
``french_unaccent`` configuration (migration showcase 0002: accents removed, then French stemming); a query
in web-search syntax ("éclairage -LED", "données ouvertes") filters on it through the GIN index, ranks by
relevance and cuts a snippet of up to two passages around the matches. Elsewhere (SQLite, the embedded
default) each word of the query must appear in ``search_text``, the same text lower-cased without accents,
newest first, the snippet (one passage) cut by a Python function the connection registers. Either way the
``snippet`` and ``marked_title`` annotations arrive as escaped HTML with the matches between ``<mark>`` tags,
and a snippet has an ellipsis wherever the text was cut.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.backends.signals import connection_created
from django.db.models import F, Func, OuterRef, Subquery, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

from events.models import Region
from label.models import Theme

from .models import PublishedProject

CONFIG = "french_unaccent"
TITLE = "title"
MAIN = ("territory_name", "summary")
REST = ("inhabitants", "results", "cost", "funding", "licences", "data_needed", "skills", "partners")
# What a result's snippet is cut from: the title and the territory are shown beside it.
SNIPPET_SOURCE = ("summary", *REST)
NEWEST = ("-year", "-published_at", "pk")

# Private-use characters around each match until the text is escaped; then <mark> tags.
START, STOP = "\ue000", "\ue001"
MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
SNIPPET_WORDS = 30
# PostgreSQL cuts up to two passages around the matches, joined by an ellipsis, as the cut points are marked.
SNIPPET_FRAGMENTS = 2
ELLIPSIS = "…"
FRAGMENT_DELIMITER = f" {ELLIPSIS} "
# Words around the snippet's source: present in the headline when it reaches the text's start or end.
TEXT_START, TEXT_END = "ltidebutdutexte", "ltifindutexte"
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
WORD = re.compile(r"\w+")


def plain(text):
    """``text`` lower-cased, its accents and ligatures removed: what ``search_text`` holds and the words matched."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def searched_text(project):
    """The plain text of everything searched in ``project`` (its region and theme, when set, included)."""
    parts = [getattr(project, name) for name in (TITLE, *MAIN, *REST)]
    parts += [related.name for related in (project.region, project.theme) if related is not None]
    return plain("\n".join(part for part in parts if part))


def vector():
    """The weighted vector of each row, for an ``update()``: one project or a whole table in one statement."""
    region = Subquery(Region.objects.filter(pk=OuterRef("region_id")).values("name")[:1])
    theme = Subquery(Theme.objects.filter(pk=OuterRef("theme_id")).values("name")[:1])
    return (
        SearchVector(TITLE, weight="A", config=CONFIG)
        + SearchVector(*MAIN, weight="B", config=CONFIG)
        + SearchVector(*REST, region, theme, weight="C", config=CONFIG)
    )


def refresh(project):
    """Recompute the search data of one published project (called after each approval), in one UPDATE."""
    rows = PublishedProject.objects.filter(pk=project.pk)
    values = {"search_text": searched_text(project)}
    if _on_postgresql(rows):
        values["search_vector"] = vector()
    rows.update(**values)


def refresh_theme(theme):
    """Recompute the search data of the published projects of ``theme`` (renamed); how many."""
    projects = list(PublishedProject.objects.filter(theme=theme).select_related("region", "theme"))
    for project in projects:
        refresh(project)
    return len(projects)


def search(queryset, text):
    """``queryset`` narrowed to the projects matching ``text``, the best first, annotated with ``snippet`` and
    ``marked_title`` (safe HTML)."""
    if _on_postgresql(queryset):
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
        return (
            queryset.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                snippet=Snippet(
                    _bounded(_joined(SNIPPET_SOURCE)),
                    query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_fragments=SNIPPET_FRAGMENTS,
                    fragment_delimiter=FRAGMENT_DELIMITER,
                    max_words=SNIPPET_WORDS // SNIPPET_FRAGMENTS,
                    min_words=SNIPPET_WORDS // (2 * SNIPPET_FRAGMENTS),
                ),
                marked_title=Headline(TITLE, query, config=CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True),
            )
            .order_by("-rank", *NEWEST)
        )
    words = WORD.findall(plain(text))
    if not words:
        # Punctuation alone, as PostgreSQL's query of no lexeme, finds nothing.
        return queryset.none()
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset.annotate(
        snippet=PlainHeadline(_joined(SNIPPET_SOURCE), Value(" ".join(words)), Value(False)),
        marked_title=PlainHeadline(F(TITLE), Value(" ".join(words)), Value(True)),
    ).order_by(*NEWEST)


def marked(text):
    """``text`` escaped, with what lies between the markers in ``<mark>`` tags and any stray marker dropped."""
    html = MARKED.sub(r"<mark>\1</mark>", escape(text))
    return mark_safe(html.replace(START, "").replace(STOP, ""))  # noqa: S308  (escaped above)


class MarkedText(models.TextField):
    """A headline as read from the database: safe HTML."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else marked(value)


class SnippetText(models.TextField):
    """A PostgreSQL snippet as read from the database: safe HTML, with an ellipsis where the text was cut."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else marked(with_cut_points(value))


def with_cut_points(headline):
    """``headline`` cut from the bounded text (``_bounded``): the bounds dropped, an ellipsis where one is missing."""
    text = headline.strip()
    starts, ends = text.startswith(TEXT_START), text.endswith(TEXT_END)
    text = text.replace(TEXT_START, "").replace(TEXT_END, "").strip()
    return f"{'' if starts else ELLIPSIS + ' '}{text}{'' if ends else ' ' + ELLIPSIS}"


class Headline(SearchHeadline):
    output_field = MarkedText()


class Snippet(SearchHeadline):
    output_field = SnippetText()


class PlainHeadline(Func):
    """``headline(text, words, whole)``: the SQLite function below, registered on each connection."""

    function = "LTI_HEADLINE"
    output_field = MarkedText()


def _joined(names):
    """The fields ``names`` (never NULL) as one text, a line apart: ``||`` flat, where nested ``CONCAT`` pairs
    overflow SQLite's parser."""
    parts = []
    for name in names:
        parts += [F(name), Value("\n")]
    return Func(*parts[:-1], template="(%(expressions)s)", arg_joiner=" || ", output_field=models.TextField())


def _bounded(text):
    """``text`` between the words that tell, in its headline, whether the text's start or end is shown."""
    return Func(
        Value(TEXT_START + "\n"),
        text,
        Value("\n" + TEXT_END),
        template="(%(expressions)s)",
        arg_joiner=" || ",
        output_field=models.TextField(),
    )


def _on_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def headline(text, words, whole):
    """``text`` with every word containing one of ``words`` (plain, space-separated) between the markers; unless
    ``whole``, cut to about ``SNIPPET_WORDS`` words around the first match (its start when none)."""
    text = text or ""
    folded, origin = [], []
    for index, char in enumerate(text):
        for folded_char in plain(char):
            folded.append(folded_char)
            origin.append(index)
    folded = "".join(folded)
    spans = []
    for word in set((words or "").split()):
        for found in re.finditer(re.escape(word), folded):
            spans.append(_whole_word(text, origin[found.start()], origin[found.end() - 1] + 1))
    spans = _merged(spans)
    start, end = (0, len(text)) if whole else _window(text, spans[0][0] if spans else 0)
    pieces, cursor = [f"{ELLIPSIS} " if start > 0 else ""], start
    for span_start, span_end in spans:
        if span_start >= start and span_end <= end:
            pieces += [text[cursor:span_start], START, text[span_start:span_end], STOP]
            cursor = span_end
    pieces += [text[cursor:end], f" {ELLIPSIS}" if end < len(text) else ""]
    return "".join(pieces)


def _whole_word(text, start, end):
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _merged(spans):
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window(text, first):
    """(start, end) of about ``SNIPPET_WORDS`` words of ``text``, a few before ``first`` and the rest after."""
    bounds = [found.span() for found in re.finditer(r"\S+", text)]
    if not bounds:
        return 0, 0
    at = next((index for index, (_start, end) in enumerate(bounds) if end > first), len(bounds) - 1)
    begin = max(0, at - SNIPPET_WORDS // 4)
    last = min(len(bounds), begin + SNIPPET_WORDS) - 1
    return (0 if begin == 0 else bounds[begin][0]), (len(text) if last == len(bounds) - 1 else bounds[last][1])


def _register_headline(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("LTI_HEADLINE", 3, headline, deterministic=True)


connection_created.connect(_register_headline, dispatch_uid="showcase.sqlite_headline")
