"""Answer: choose the sentence that answers, cite its passage, or say the article does not say."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from difflib import get_close_matches
from pathlib import Path

from qa import lang
from qa.answering import reader as readers
from qa.answering.reader import combine
from qa.archive.retrieval import HybridRetriever, Ranking
from qa.lang import exonyms, frequency
from qa.text import STOPWORDS, fold, words

REFUSAL = {code: module.REFUSAL for code, module in lang.LANGUAGES.items()}
MAX_ANSWER_CHARS = 300

# Weights of the sentence score (see `score_sentences`), as `python app.py bench --fit-scores` chose them
# on the tuning questions (qa/bench/fit_scores.py) and wrote them to this file.
SCORES_FILE = Path(__file__).with_name("scores.json")


def _load_weights() -> tuple[float, float, float]:
    fitted = json.loads(SCORES_FILE.read_text("utf-8"))
    return float(fitted["lexical"]), float(fitted["passage"]), float(fitted["type"])


LEXICAL_WEIGHT, PASSAGE_WEIGHT, TYPE_WEIGHT = _load_weights()


def fitted_weights() -> tuple[float, float, float]:
    """The sentence score's weights in use: word coverage, passage rank, answer type."""
    return LEXICAL_WEIGHT, PASSAGE_WEIGHT, TYPE_WEIGHT


@contextmanager
def weights(lexical: float, passage: float, type_: float):
    """Score sentences with other weights for a while (the fit tries a grid; one thread only)."""
    global LEXICAL_WEIGHT, PASSAGE_WEIGHT, TYPE_WEIGHT
    saved = fitted_weights()
    LEXICAL_WEIGHT, PASSAGE_WEIGHT, TYPE_WEIGHT = lexical, passage, type_
    try:
        yield
    finally:
        LEXICAL_WEIGHT, PASSAGE_WEIGHT, TYPE_WEIGHT = saved


NAME_TYPE_SHARE = 0.3
CANDIDATE_PASSAGES = 8

_NUMBER = lang.NUMBER
_PROPER = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+")
# What a question asks for (its cue) and what in a sentence brings it: a number, a date, a name.
EXPECTS = [
    (lang.ASKS_NUMBER, _NUMBER),
    (lang.ASKS_DATE, re.compile(lang.DATE.pattern + r"|\d", re.IGNORECASE)),
    (lang.ASKS_NAME, _PROPER),
]


@dataclass(frozen=True)
class Citation:
    """A cited passage.

    Attributes:
        n: the number its `[n]` marker uses, 1 for the best.
        source, passage_id, paragraph: where it stands; `start`/`end` are offsets into the file.
        text: the whole passage; quote: the supporting sentence, at `quote_start`/`quote_end`.
        score: retrieval confidence (higher is better).
        title, date: the article's title (may be "") and date; article: its title, else its opening words.
    """

    n: int
    source: str
    passage_id: str
    start: int
    end: int
    text: str
    quote: str
    score: float
    paragraph: int = 0
    quote_start: int = 0
    quote_end: int = 0
    title: str = ""
    date: str = ""
    article: str = ""  # the article as a reader knows it: its title, else its opening words
    short_start: int = 0  # the short answer's offsets into the file (citation 1 only; 0, 0: none)
    short_end: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """What the engine says to one question.

    Attributes:
        text: the answer with inline `[n]` markers, or the refusal sentence.
        answerable: False when the article does not answer the question.
        language: "nl" or "en", the question's language.
        citations: cited passages, best first (empty for a refusal).
        confidence: the probability that the articles answer (the reader's combiner,
            `qa.answering.reader.combine`), which the refusal threshold was compared with.
        generator: "extractive" or "llm", whichever produced `text`.
    """

    text: str
    answerable: bool
    language: str
    citations: list[Citation] = field(default_factory=list)
    confidence: float = 0.0
    generator: str = "extractive"
    dropped: list[dict] = field(default_factory=list)  # generated sentences the verifier removed
    repaired: list[dict] = field(default_factory=list)  # kept, but with a citation the verifier chose
    notice: str = ""  # e.g. why the language model's answer was not used
    related: list[Citation] = field(default_factory=list)  # on a refusal: the nearest passages, not support
    signals: dict = field(default_factory=dict, repr=False)  # what the combiner weighed (its features)
    short: str = ""  # the exact words that answer (a part of citation 1's quote), or "" (no single fact)
    kind: str = ""  # "summary", "topic", "metadata", "names", "clarify" for whole-article questions, also
    # "clarify" for a question that names nothing to look up; "" for a fact question (see `answer_kind`)


def answer_kind(answer: Answer) -> str:
    """The protocol's kind of an answer: "fact", "summary", "topic", "metadata", "names", "clarify" (which
    article? or what to look up?) or "refusal"."""
    if answer.kind:
        return answer.kind
    return "fact" if answer.answerable else "refusal"


@dataclass(frozen=True)
class _Candidate:
    row: int
    sentence: int  # index in the store's sentence matrix
    local: int  # index within its passage
    score: float
    dense: float
    coverage: float


def _coverage(weights: dict[str, float], sentence_stems: set[str]) -> float:
    """IDF-weighted share of the question's content words (`weights`: stem → idf) the sentence holds."""
    total = sum(weights.values())
    return sum(w for s, w in weights.items() if s in sentence_stems) / total if total else 0.0


def _expected_type_bonus(question: str, sentence: str) -> float:
    for asks, pattern in EXPECTS:
        if asks.search(question):
            # The answer must bring something the question does not already hold.
            found = {m.group(0).lower() for m in pattern.finditer(sentence)}
            found -= {m.group(0).lower() for m in pattern.finditer(question)}
            if not found:
                return 0.0
            # Names are everywhere in news text; a number or a date is a sharper sign.
            return NAME_TYPE_SHARE if pattern is _PROPER else 1.0
    return 0.0


def _is_heading(text: str, local: int, passage) -> bool:
    """The first sentence of a multi-sentence passage with no closing punctuation: its subheading."""
    return local == 0 and len(passage.sentences) > 1 and not text.rstrip().endswith((".", "!", "?", '"', "”", ":"))


def score_sentences(ranking: Ranking, retriever: HybridRetriever, question: str) -> list[_Candidate]:
    """Score the sentences of the best passages as answers, best first."""
    store = retriever.store
    hits = ranking.hits[:CANDIDATE_PASSAGES]
    if not hits:
        return []
    top = hits[0].score
    idf_by_language = {code: {stem: retriever.idf(stem) for stem in found}  # once per question
                       for code, found in ranking.stems_by_language.items()}
    candidates = []
    for hit in hits:
        idf = idf_by_language.get(retriever.language_of(hit.row)) or {}
        passage = store.passages[hit.row]
        first = store.first_sentence[hit.row]
        for local in range(len(passage.sentences)):
            j = first + local
            text = passage.sentence_text(local)
            if _is_heading(text, local, passage):
                continue  # a subheading folded into its paragraph names a topic; it answers nothing
            dense = float(ranking.sentence_dense[j])
            coverage = _coverage(idf, retriever.sentence_stems[hit.row][local])
            score = (dense + LEXICAL_WEIGHT * coverage + PASSAGE_WEIGHT * hit.score / top
                     + TYPE_WEIGHT * _expected_type_bonus(question, text))
            if len(text) < 25:  # a heading or a fragment says too little to answer
                score -= 0.1
            candidates.append(_Candidate(hit.row, j, local, score, dense, coverage))
    candidates.sort(key=lambda c: -c.score)
    return candidates


def _clip(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > 0 else limit - 1].rstrip(",;:") + "…"


def cite(n: int, store, row: int, local: int, score: float, last: int | None = None) -> Citation:
    """Cite passage `row`, quoting its sentences `local` to `last` (inclusive)."""
    passage = store.passages[row]
    q_start = passage.sentences[local][0]
    q_end = passage.sentences[local if last is None else last][1]
    quote = passage.text[q_start - passage.start:q_end - passage.start]
    return Citation(n=n, source=passage.source, passage_id=passage.id, start=passage.start, end=passage.end,
                    text=passage.text, quote=quote, score=round(score, 4),
                    paragraph=passage.paragraph, quote_start=q_start, quote_end=q_end,
                    title=passage.title, date=passage.date, article=store.headline(passage.source))


# Sentences the reader reads per question, best candidate scores first. The combiner's fit showed the
# same out-of-fold figures for 3 to 8 on the tuning cases (docs/benchmark.md); each one read costs time.
READ_CANDIDATES = 4


def answer_question(question: str, ranking: Ranking, retriever: HybridRetriever, language: str,
                    top_k: int = 5, min_score: float | None = None, reader: str | readers.Reads = "e5") -> Answer:
    """Build an extractive answer from a ranking.

    Args:
        question: the (possibly conversation-expanded) question.
        ranking: the retriever's output for it.
        language: the language of the interface text ("nl" or "en").
        top_k: citations to list at most.
        min_score: refusal threshold overriding the combiner's fitted one (a probability).
        reader: the reader (a name for `qa.answering.reader.get`, or a reader such as `qa.answering.reader.Remembering`)
            that finds the short answer and, with the combiner, decides whether the articles answer.

    Returns:
        An `Answer`: the best sentence with a `[1]` marker and its citations, or a refusal whose
        `related` list holds the nearest passages.
    """
    candidates = score_sentences(ranking, retriever, question)
    if not candidates or names_nothing_there(question, ranking, retriever):
        return Answer(REFUSAL[language], False, language, [], 0.0)
    return _read(question, candidates, retriever, language, top_k, reader, min_score)


def read_candidates(question: str, candidates: list[_Candidate], retriever: HybridRetriever,
                    reader: str | readers.Reads = "e5", count: int = READ_CANDIDATES) -> list[tuple[_Candidate, object, dict[str, float]]]:
    """The first `count` candidates, each with its reading and the combiner's features."""
    store = retriever.store
    pool = candidates[:count]
    sentences = [store.passages[c.row].sentence_text(c.local) for c in pool]
    readings = (readers.get(reader) if isinstance(reader, str) else reader).read(question, sentences)
    top = pool[0].score
    names = names_and_numbers(question)
    return [(c, r, combine.features(r, c.score, top, k, c.dense, c.coverage,
                                    missing_share(names, retriever.paragraph_words(c.row))))
            for k, (c, r) in enumerate(zip(pool, readings))]


def _read(question: str, candidates: list[_Candidate], retriever: HybridRetriever, language: str,
          top_k: int, reader: str | readers.Reads, min_score: float | None) -> Answer:
    """The reader's answer: the candidate whose span the combiner trusts most, if it is trusted enough.
    Citation 1 quotes that span's sentence; the span is the short answer."""
    store = retriever.store
    combiner = combine.load()
    read = read_candidates(question, candidates, retriever, reader)
    scored = [(combiner.probability(found), candidate, reading, found) for candidate, reading, found in read]
    probability, best, reading, found = max(scored, key=lambda s: s[0])
    threshold = min_score if min_score is not None else combiner.threshold
    chosen = _Candidate(best.row, best.sentence, best.local, best.score, best.dense, best.coverage)
    order = [chosen] + [c for c in candidates if c is not best]
    citations = _citations_plain(order, store, top_k)
    signals_seen = {**found, "probability": probability}
    if probability < threshold or reading.end <= reading.start:
        return Answer(REFUSAL[language], False, language, [], round(probability, 4), related=citations,
                      signals=signals_seen)
    first = citations[0]
    quote = first.quote
    short = quote[reading.start:reading.end].strip()
    lead = len(quote[reading.start:reading.end]) - len(quote[reading.start:reading.end].lstrip())
    offset = first.quote_start + reading.start + lead
    citations[0] = replace(first, short_start=offset, short_end=offset + len(short))
    text = f"{_clip(first.quote)} [1]"
    return Answer(text, True, language, citations, round(probability, 4), signals=signals_seen, short=short)


def _citations_plain(order: list[_Candidate], store, top_k: int) -> list[Citation]:
    """One citation per passage, in `order`, each quoting its candidate sentence."""
    citations: list[Citation] = []
    seen = set()
    for candidate in order:
        if len(citations) >= top_k:
            break
        if candidate.row in seen:
            continue
        seen.add(candidate.row)
        citations.append(cite(len(citations) + 1, store, candidate.row, candidate.local, candidate.score))
    return citations


def _a_word(word: str, code: str) -> bool:
    """Whether `word` is a common word of language `code`, or two joined, perhaps by a linking "s"
    ("wedstrijd|directeur", "veiligheid|s|regio"): it may be the translation of a word an article holds."""
    common = functools.partial(frequency.zipf, code=code)
    if common(word) > 0:
        return True
    return any(common(word[:k]) > 0 and (common(word[k:]) > 0 or (word[k] == "s" and common(word[k + 1:]) > 0))
               for k in range(3, len(word) - 2))


PREFIX = 5  # letters a longer word shares with a word of the articles to count as found in part
FUZZY_WORDS = 8  # longer words compared by spelling at most: a scan of the vocabulary each


def names_nothing_there(question: str, ranking: Ranking, retriever: HybridRetriever) -> bool:
    """Whether none of the question's words is in the articles, even in part, by its stem or spelled
    otherwise, and none is a common word of its language either: "xyzzy", "asdf qwer", "Wat is een
    flurbel?". Such a question is about nothing the articles hold. A common word is spared, as it may be a
    translation ("Who won the election?" over a Dutch article), and so is a rare one that opens an
    article's word or resembles one ("septikemie": "septicemie"; "Loekasjenko": "Lukashenko")."""
    found = words(question)
    code = lang.detect(found)
    asking = lang.in_any_language("QUESTION_WORDS")
    content = [w for w in found if w not in STOPWORDS and w not in asking]
    if not content or any(_a_word(w, code) or w in retriever.vocabulary for w in content):
        return False
    if any(stem in retriever.df for stem in ranking.query_stems(code)):
        return False
    longer = [w for w in content if len(w) > PREFIX][:FUZZY_WORDS]
    return not any(retriever.starts_a_word(w[:PREFIX]) or get_close_matches(w, retriever.vocabulary, n=1, cutoff=0.7)
                   for w in longer)


_NAME_OR_NUMBER = re.compile(r"(?<=\w )[A-Z][\w'-]+|\d+(?:[.,]\d+)*")


def names_and_numbers(question: str) -> list[str]:
    """Capitalised words (not the first) and numbers of a question, folded."""
    return [fold(m.group(0)).rstrip(".,") for m in _NAME_OR_NUMBER.finditer(question)]


def missing_share(names: list[str], known: set[str], fuzzy: bool = True,
                  starts: Callable[[str], bool] | None = None) -> float:
    """Share of `names` not among the words `known`; `fuzzy` allows other spellings ("Putin", "Poetin").

    A name counts as known in its form in the other language too: "Belarusian" as "Wit-Russische",
    "Saturday" as "zaterdag", "Rusland" as "Russia" (`qa.lang.exonyms.other_forms`, whose forms start words; each
    part of "wit-rus" starts one, as words are split at hyphens). `starts` tells whether a known word
    starts so (a scan of `known` when None: for a large vocabulary, give a faster one)."""
    if not names:
        return 0.0
    starts = starts or (lambda prefix: any(word.startswith(prefix) for word in known))
    missing = 0
    for name in names:
        if name in known or any(all(starts(part) for part in form.split("-") if part)
                                for form in exonyms.other_forms(name)) or (
                fuzzy and not name[0].isdigit() and get_close_matches(name, known, n=1, cutoff=0.7)):
            continue
        missing += 1
    return missing / len(names)
