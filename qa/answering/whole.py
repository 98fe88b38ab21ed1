"""Whole: questions about an article as a whole (its topic, a summary, its date, author, title, source,
the names in it), answered from what the article is, every sentence its own and cited.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from qa import lang
from qa.answering import spans
from qa.answering.answer import Answer, cite
from qa.archive.documents import Document
from qa.text import article_language, content_stems, words

SUMMARY_SENTENCES = 4  # the lead and three more: a summary a reader takes in at a glance
MMR_LAMBDA = 0.7  # centrality against repetition in choosing them
MIN_SENTENCE_CHARS = 40  # shorter "sentences" are headings, captions' stubs or fragments
NAMES_PER_GROUP = 8

# Lines that are page furniture or credits, not the article's own telling: never in a summary.
_FURNITURE = re.compile(r"(?i)^\W*(?:" + "|".join(lang.in_any_language("CAPTION_WORDS")) +
                        r")\b|©|\(anp\)|\(ap\)|\(reuters\)|https?://")


@functools.lru_cache(maxsize=None)
def _cues() -> list[tuple[str, re.Pattern]]:
    # A cue starts a word: "gist" is no cue inside "registreerde", nor "recap" inside "precaution".
    return [(kind, re.compile(rf"\b(?:{pattern})", re.IGNORECASE))
            for module in lang.LANGUAGES.values() for kind, pattern in module.WHOLE_QUESTIONS]


def asked_about_article(question: str) -> str:
    """The kind of whole-article question ("summary", "topic", "date", "author", "title", "source",
    "names"), or "" for a question about a fact in the article."""
    text = " ".join(question.split())
    return next((kind for kind, cue in _cues() if cue.search(text)), "")


@functools.lru_cache(maxsize=4096)
def _language_of(key: str, text: str) -> str:
    return article_language(words(text[:5000]))


def _sentences(store, source: str):
    """(row, local, text) of the article's sentences that tell its story, in article order."""
    for row in store.article_rows.get(source, range(0)):
        passage = store.passages[row]
        for local in range(len(passage.sentences)):
            text = passage.sentence_text(local).strip()
            heading = local == 0 and len(passage.sentences) > 1 and not text.endswith((".", "!", "?", '"', "”"))
            if heading or len(text) < MIN_SENTENCE_CHARS or _FURNITURE.search(text):
                continue
            yield row, local, text


def summary_sentences(store, source: str, count: int = SUMMARY_SENTENCES) -> list[tuple[int, int]]:
    """The lead sentence, then the sentences nearest the article's centroid in the embedding space,
    each chosen by maximal marginal relevance against those already chosen; in article order."""
    found = list(_sentences(store, source))
    # Besides the lead, a sentence that opens on "Zij", "Dit" or "They" leans on the one before it, which
    # a summary may not quote: it is left out.
    found = found[:1] + [f for f in found[1:] if not lang.ANAPHORA.match(f[2])]
    if not found:
        return []
    vectors = np.stack([store.sentences_of(row)[local] for row, local, _ in found]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) + 1e-9
    central = vectors @ centroid
    chosen = [0]  # the lead: news puts what matters most first
    while len(chosen) < min(count, len(found)):
        redundancy = (vectors @ vectors[chosen].T).max(axis=1)
        score = MMR_LAMBDA * central - (1 - MMR_LAMBDA) * redundancy
        score[chosen] = -np.inf
        chosen.append(int(score.argmax()))
    return [(found[i][0], found[i][1]) for i in sorted(chosen)]


def answer_about(kind: str, document: Document, store, language: str) -> Answer:
    """Answer a whole-article question of `kind` about `document`, in the question's `language`."""
    labels = lang.get(language).WHOLE_LABELS
    source = document.source
    notice = quoted_from(document, language)

    def quoted(rows: list[tuple[int, int]], lead: str = "") -> Answer:
        citations = [cite(n, store, row, local, 1.0) for n, (row, local) in enumerate(rows, start=1)]
        text = " ".join(f"{c.quote.strip()} [{c.n}]" for c in citations)
        return Answer(f"{lead}{text}", True, language, citations, 1.0, notice=notice, kind=kind)

    if kind in ("summary", "topic"):
        rows = summary_sentences(store, source, SUMMARY_SENTENCES if kind == "summary" else 1)
        if not rows:
            return _refusal(language, "no_names", kind)
        lead = f"{labels['title']}: {document.title}. " if kind == "topic" and document.title else ""
        return quoted(rows, lead)
    if kind == "names":
        return _names(document, store, language, notice)
    value = {"date": document.date, "author": document.author, "title": document.title,
             "source": document.site}.get(kind, "")
    if not value:
        return _refusal(language, f"no_{kind}", kind)
    text = labels["title_is" if kind == "title" else kind].format(value)
    return Answer(text, True, language, [], 1.0, short=value, kind="metadata", notice=notice)


def _refusal(language: str, label: str, kind: str) -> Answer:
    return Answer(lang.get(language).WHOLE_LABELS[label], False, language, [], 0.0, kind="refusal")


def quoted_from(document: Document, language: str) -> str:
    """A line for a reader whose question is in another language than the article's quotes."""
    written_in = _language_of(document.sha256 or document.source, document.text)
    if written_in == language:
        return ""
    labels = lang.get(language).WHOLE_LABELS
    return labels["quoted_from"].format(labels["language_names"].get(written_in, written_in))


def _names(document: Document, store, language: str, notice: str) -> Answer:
    """The names the article mentions, grouped as people, places and organisations, each cited where it
    first stands."""
    labels = lang.get(language).WHOLE_LABELS
    groups: dict[str, dict[str, tuple[int, int]]] = {"person": {}, "place": {}, "organisation": {}, "other": {}}
    surnames: set[str] = set()
    for row in store.article_rows.get(document.source, range(0)):
        passage = store.passages[row]
        for local in range(len(passage.sentences)):
            for span in spans.names(passage.sentence_text(local)):
                kind = span.kind
                if kind == "person" and " " not in span.text and span.text not in surnames:
                    kind = "other"  # one word is a person only as the surname of a full name seen before
                if kind == "person" and " " in span.text:
                    surnames.add(span.text.rsplit(" ", 1)[-1])
                if kind in groups and not any(span.text in g for g in groups.values()):
                    if kind == "person" and span.text in surnames and any(
                            name.endswith(" " + span.text) for name in groups["person"]):
                        continue  # "Lukashenko" after "Alexander Lukashenko"
                    groups[kind][span.text] = (row, local)
    citations, parts, numbers = [], [], {}
    for kind, label in (("person", "people"), ("place", "places"), ("organisation", "organisations"),
                        ("other", "other_names")):
        entries = []
        for name, where in list(groups[kind].items())[:NAMES_PER_GROUP]:
            if where not in numbers:
                numbers[where] = len(citations) + 1
                citations.append(cite(numbers[where], store, where[0], where[1], 1.0))
            entries.append(f"{name} [{numbers[where]}]")
        if entries:
            parts.append(f"{labels[label]}: {', '.join(entries)}.")
    if not parts:
        return _refusal(language, "no_names", "names")
    return Answer(" ".join(parts), True, language, citations, 1.0, notice=notice, kind="names")


NAMED_MARGIN = 0.015  # how much nearer (in cosine) the named article must be than the next; e5 cosines are compressed


def named_article(question: str, documents: list[Document], retriever, embed, sources) -> Document | None:
    """The article a whole-article question singles out by its other words ("wie schreef het artikel
    *over de gestolen helm*"), when one is clearly nearer to them than any other; else None."""
    rest = " ".join(question.split())
    for _, cue in _cues():
        rest = cue.sub(" ", rest)
    requests = {w for module in lang.LANGUAGES.values() for w in module.REQUEST_WORDS}
    if not content_stems([w for w in words(rest) if w not in requests]) or len(documents) < 2:
        return None
    best: dict[str, float] = {}
    for hit in retriever.rank(embed(rest), rest, sources=sources).hits:
        source = retriever.store.passages[hit.row].source
        best[source] = max(best.get(source, -1.0), hit.dense)
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < NAMED_MARGIN):
        return None
    return next((d for d in documents if d.source == ranked[0][0]), None)


def which_article(documents: list[Document], language: str) -> Answer:
    """Ask which article a whole-article question is about, listing the latest ones."""
    latest = sorted(documents, key=lambda d: d.date, reverse=True)[:5]
    listed = "; ".join(d.headline + (f" ({d.date})" if d.date else "") for d in latest)
    return Answer(lang.get(language).WHOLE_LABELS["which"].format(listed), False, language, [], 0.0,
                  kind="clarify")
