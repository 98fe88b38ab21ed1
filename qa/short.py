"""The short answer: the exact words of a sentence that answer a question, chosen by a fitted linear model
over candidate spans, a conditional logit (`python app.py bench --fit-short` writes its weights, `short.json`).

Every run of words of the sentence up to `MAX_WORDS` long, not crossing punctuation, is a candidate. Its
features say what a reader would check: is it of the kind asked for (`qa.spans`), does it bring words the
question lacks, does it stand next to the words the sentence shares with the question, is it a whole
phrase (no stopword at its edges). The weights come from the tuning questions' gold short answers.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import numpy as np

from qa import lang, spans
from qa.lang import frequency
from qa.text import STOPWORDS, content_stems, fold, words

WEIGHTS_FILE = Path(__file__).with_name("short.json")
MAX_WORDS = 10

# A word (with the dots, commas, hyphens and apostrophes inside it: "2,8", "U.S.", "Wit-Rusland", "6.4%",
# and the colons of a time or a score: "2:03:36"), a currency sign, or one mark of punctuation; an initial
# keeps its full stop ("E. Golovin"), and a name stops before its possessive ("Manning's").
_TOKEN = re.compile(r"[€$£]|[A-ZÀ-ÖØ-Þ]\.(?=\s[A-ZÀ-ÖØ-Þ])|[A-ZÀ-ÖØ-Þ]\w*(?=['’]s\b)"
                    r"|\w+(?:[.,'’/-]\w+|(?<=\d):\d+)*%?|[^\w\s]")
_INITIAL = re.compile(r"[A-ZÀ-ÖØ-Þ]\.")
_JOINS = frozenset("€$£")  # signs that belong to the number after them

ALIGN_WINDOW = 10  # tokens either side of a span in which the question's words are matched by their side
WINDOW = 5  # words either side of a span in which the question's words count as its context
_ARTICLES = frozenset("de het een the a an".split())  # SQuAD's scoring ignores them
_QUOTES = frozenset("\"'‘’“”„«»")
LENGTHS = (1, 2, 3, 4, 6, MAX_WORDS)  # length buckets: 1, 2, 3, 4, 5–6, 7–10 words


def _group(wanted: spans.Asked) -> str:
    """The kind of asked fact, coarsely: a name, a number (or date), no single fact, or unknown."""
    if wanted.kind in spans.NAMES:
        return "name"
    if wanted.kind in spans.STRICT:
        return "number"
    return "none" if wanted.kind == "none" else "other"



def head(question: str) -> str:
    """The stem of the noun naming the kind of thing asked for: "welke *stad*", "how many *players*"; "" when
    none follows the question word ("what *did* the mayor call it": the mayor is no kind of answer)."""
    found = words(question)
    which = lang.in_any_language("WHICH_WORDS")
    for k, word in enumerate(found):
        if word in which:
            j = k + 1
            while j < len(found) and found[j] in which:
                j += 1
            return content_stems(found[j:j + 1])[0] if j < len(found) and found[j] not in STOPWORDS else ""
    return ""




def _question_word_at(found: list[str]) -> int:
    """Where the question word stands among the question's words; past the end when it has none."""
    asking = lang.in_any_language("QUESTION_WORDS")
    return next((k for k, w in enumerate(found) if w in asking), len(found))


def preposition(question: str) -> str:
    """The word just before the question word when it is a stopword: the preposition the answer follows in
    the sentence as well ("*door* wie" → "opgepakt *door* de oproerpolitie", "*with* whom")."""
    found = words(question)
    at = _question_word_at(found)
    return found[at - 1] if 0 < at < len(found) and found[at - 1] in STOPWORDS else ""


def sides(question: str) -> tuple[set[str], set[str]]:
    """The stems of the question's content words before its question word and after it ("Wie *leidde* de
    *Panthers*": none before, two after). A sentence tends to keep that order around its answer."""
    found = words(question)
    at = _question_word_at(found)
    return set(content_stems(found[:at])), set(content_stems(found[at + 1:]))


def _tokens(sentence: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(sentence)]


GROUPS = ("name", "number", "none", "other")
_BASE = ["shares question words", "all in question", "article first", "stopword first", "stopword last",
         "stopword before", "stopword after", "names the asked kind", "asked kind just after", "asked kind just before",
         "question words around", "log distance to question words", "question word just before",
         "question word just after", "no question words in sentence", "rarity", "rarest word",
         "punctuation or edge before", "punctuation or edge after", "in parentheses", "in quotation marks",
         "after the question's preposition",
         "words before the question word, to the left",
         "words after the question word, to the right", "words before the question word, to the right",
         "words after the question word, to the left"] + [f"length<={b}" for b in LENGTHS]
_BY_GROUP = ["capitalised", "number", "whole name", "of the asked type", "holds the asked type",
             "cuts the asked type", "a name of the asked kind", "cuts a name", "after the doer's preposition"]
# Every feature's name, in the order of the columns of `candidates`' matrix.
FEATURES = tuple(_BASE + [f"{g}: {f}" for g in ("any", *GROUPS) for f in _BY_GROUP]
                 + [f"{g}: length<={b}" for g in GROUPS for b in LENGTHS] + [f"{g}: bias" for g in GROUPS])
_COLUMN = {name: k for k, name in enumerate(FEATURES)}


def _token_range(tokens: list[tuple[int, int, str]], span: spans.Span) -> tuple[int, int, bool]:
    """The first and last token a character span touches, and whether it starts and ends with them."""
    first = next((k for k, t in enumerate(tokens) if t[1] > span.start), len(tokens))
    last = max((k for k, t in enumerate(tokens) if t[0] < span.end), default=-1)
    whole = first <= last and tokens[first][0] == span.start and tokens[last][1] == span.end
    return first, last, whole


def candidates(sentence: str, question: str, wanted: spans.Asked) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate span of `sentence` as its (start, end) offsets, and its features: a row each,
    columns as `FEATURES`."""
    tokens = _tokens(sentence)
    n = len(tokens)
    folded = [fold(t[2]) for t in tokens]
    is_word = np.array([t[2][0].isalnum() or t[2] in _JOINS for t in tokens] + [False, False], dtype=bool)
    stop = np.array([w in STOPWORDS for w in folded] + [False, False], dtype=bool)
    article = np.array([w in _ARTICLES for w in folded] + [False, False], dtype=bool)
    content = is_word[:n] & ~stop[:n]
    question_folded = set(re.findall(r"\w+", fold(question)))
    question_stems = set(content_stems(list(question_folded)))
    stem_of = [""] * n
    content_at = [k for k in range(n) if content[k]]
    for k, stem in zip(content_at, content_stems([folded[k] for k in content_at])):
        stem_of[k] = stem
    # A token the question also holds (by stem for content words, by form for numbers and the like).
    shared = np.array([bool(stem_of[k] and stem_of[k] in question_stems) for k in range(n)] + [False, False])
    # The kind of thing asked for: "welke *stad*", or the role a name is asked in ("wie is de *directeur*").
    noun = head(question) or (wanted.focus.split()[-1] if (wanted.kind in spans.NAMES or wanted.kind == "count")
                              and wanted.focus else "")
    # The kind's noun, alone or as a compound's head ("welke *werf*" → "scheeps*werf* Damen").
    named = np.array([bool(noun and stem_of[k]) and spans.same_thing(stem_of[k], noun) for k in range(n)]
                     + [False, False])
    # Right after "door" / "by": the doer of a passive sentence, who a "who" question often asks for.
    doer = lang.in_any_language("AGENT_WORDS")
    agent = np.array([k + 1 < n and folded[k] in doer for k in range(n)] + [False, False])
    capital = np.array([content[k] and tokens[k][2][0].isupper() for k in range(n)], dtype=float)
    digit = np.array([any(ch.isdigit() for ch in t[2]) for t in tokens], dtype=float)

    pairs = []
    for i in range(n):
        for j in range(i, min(n, i + MAX_WORDS)):
            if not is_word[j]:
                break  # a span never crosses punctuation
            if not _INITIAL.fullmatch(tokens[j][2]):  # nor ends on an initial ("Nicholas E.")
                pairs.append((i, j))
    if not pairs:
        return np.zeros((0, 2), dtype=int), np.zeros((0, len(FEATURES)))
    first = np.array([p[0] for p in pairs])
    last = np.array([p[1] for p in pairs])

    def total(values) -> np.ndarray:  # the sum of a token feature over each candidate
        running = np.concatenate([[0.0], np.cumsum(np.asarray(values[:n], dtype=float))])
        return running[last + 1] - running[first]

    keep = total(content) > 0  # a span of stopwords alone answers nothing
    first, last = first[keep], last[keep]
    before, after = first - 1, last + 1  # -1 reads the padding at the end: False

    def just_after(marked: np.ndarray, skipped: np.ndarray) -> np.ndarray:
        """Whether each candidate comes right after a marked token, or after one `skipped` token after it
        ("door *de oproerpolitie*", "door de *oproerpolitie*")."""
        return marked[before] | (skipped[before] & marked[np.maximum(before - 1, -1)])

    length = (last - first + 1).astype(float)
    x = np.zeros((len(first), len(FEATURES)))

    def put(name: str, values) -> None:
        x[:, _COLUMN[name]] = values

    # Rare words answer more often than common ones ("Mecanoo" rather than "bureau").
    code = lang.detect(folded)
    rare = np.array([frequency.rarity(w, code) if content[k] else 0.0 for k, w in enumerate(folded)] + [0.0, 0.0])
    put("rarity", total(rare) / total(content))
    put("rarest word", [rare[a:b + 1].max() for a, b in zip(first, last)])
    put("shares question words", total(shared) / length)
    put("all in question", total(shared | stop) == length)
    put("article first", article[first])
    put("stopword first", stop[first] & ~article[first])
    put("stopword last", stop[last])
    put("stopword before", stop[before] & (first > 0))
    put("stopword after", stop[after])
    if noun:
        put("names the asked kind", total(named) > 0)
        put("asked kind just after", named[after] | named[np.minimum(after + 1, n + 1)])
        put("asked kind just before", just_after(named, stop))
    anchors = np.flatnonzero(shared[:n])
    if len(anchors):
        # Shared words within WINDOW tokens either side, as a share of the question's content words.
        running = np.concatenate([[0.0], np.cumsum(shared[:n].astype(float))])
        around = (running[first] - running[np.maximum(first - WINDOW, 0)]
                  + running[np.minimum(last + 1 + WINDOW, n)] - running[last + 1])
        put("question words around", around / max(len(question_stems), 1))
        left = np.searchsorted(anchors, first) - 1  # the last anchor before the span
        right = np.searchsorted(anchors, last, side="right")  # the first after it
        gap_left = np.where(left >= 0, first - anchors[np.maximum(left, 0)], np.inf)
        gap_right = np.where(right < len(anchors), anchors[np.minimum(right, len(anchors) - 1)] - last, np.inf)
        gap = np.minimum(gap_left, gap_right)
        put("log distance to question words", np.log1p(np.where(np.isinf(gap), 0, gap)))
        put("question word just before", (first > 0) & (shared[before] | (stop[before] & shared[first - 2] & (first > 1))))
        put("question word just after", shared[after] | (stop[after] & shared[np.minimum(after + 1, n + 1)]))
    else:
        put("no question words in sentence", 1.0)
    before_side, after_side = sides(question)
    scale = max(len(question_stems), 1)
    for side, name in ((before_side, "before"), (after_side, "after")):
        on_side = np.array([bool(stem_of[k]) and stem_of[k] in side for k in range(n)], dtype=float)
        running = np.concatenate([[0.0], np.cumsum(on_side)])
        left = running[first] - running[np.maximum(first - ALIGN_WINDOW, 0)]
        right = running[np.minimum(last + 1 + ALIGN_WINDOW, n)] - running[last + 1]
        put(f"words {name} the question word, to the left", left / scale)
        put(f"words {name} the question word, to the right", right / scale)
    put("punctuation or edge before", (first == 0) | ~is_word[before])
    put("punctuation or edge after", ~is_word[after])
    put("in quotation marks", [f > 0 and a < n and tokens[f - 1][2] in _QUOTES and tokens[a][2] in _QUOTES
                               for f, a in zip(first, after)])
    prep = preposition(question)
    if prep:
        # The preposition right before the span, or before the article opening it ("door *de oproerpolitie*").
        put("after the question's preposition", just_after(np.array(folded + ["", ""]) == prep, article))
    put("in parentheses", [f > 0 and a < n and tokens[f - 1][2] == "(" and tokens[a][2] == ")"
                           for f, a in zip(first, after)])
    bucket = np.searchsorted(np.array(LENGTHS), length)  # the first bucket the length fits
    group = _group(wanted)
    if wanted.kind in ("", "none"):
        typed = []
    elif wanted.kind == "count":
        # The counts of the thing asked for, as the typed search finds them, each with the unit after it
        # ("1,8 miljoen *liter*" diesel).
        typed = spans.with_units(sentence, spans.candidates(sentence, question, wanted)
                                 or spans.spans(sentence, "count"))
    elif wanted.kind in ("date", "year") and spans.asks_since(question):
        typed = spans.candidates(sentence, question, wanted)  # "sinds 1994", or "al 26 jaar"
    else:
        typed = spans.spans(sentence, wanted.kind)
    exact = np.zeros(len(first), dtype=bool)
    inside = exact.copy()
    overlap = exact.copy()
    for span in typed:
        a, b, whole = _token_range(tokens, span)
        exact |= (first == a) & (last == b) & whole
        inside |= (first <= a) & (b <= last)
        overlap |= (first <= b) & (a <= last)
    name_exact = np.zeros(len(first), dtype=bool)
    name_of_kind = name_exact.copy()  # the recogniser's guess of the name's kind is the kind asked for
    name_cut = name_exact.copy()  # part of a name and something outside it, or a name's inside alone
    for span in spans.names(sentence):
        a, b, whole = _token_range(tokens, span)
        name_exact |= (first == a) & (last == b) & whole
        name_cut |= ((first <= b) & (a <= last)) & ((first > a) | (last < b))
        if span.kind == wanted.kind:
            name_of_kind |= (first == a) & (last == b) & whole
    by_group = {"capitalised": total(capital) / total(content), "number": total(digit) > 0,
                "whole name": name_exact, "of the asked type": exact, "holds the asked type": inside & ~exact,
                "cuts the asked type": overlap & ~inside, "a name of the asked kind": name_of_kind,
                "cuts a name": name_cut,
                "after the doer's preposition": just_after(agent, article)}
    for prefix in ("any", group):
        for name, values in by_group.items():
            put(f"{prefix}: {name}", values)
    for k, b in enumerate(LENGTHS):
        put(f"length<={b}", bucket == k)
        put(f"{group}: length<={b}", bucket == k)
    put(f"{group}: bias", 1.0)
    starts = np.array([t[0] for t in tokens])[first]
    ends = np.array([t[1] for t in tokens])[last]
    return np.stack([starts, ends], axis=1), x


def _ends_on_adjective(sentence: str, bounds: np.ndarray) -> np.ndarray:
    """For each candidate, whether its last word is a name's adjective with its noun after the span."""
    def at(end: int) -> bool:  # it depends on where the candidate ends only
        last = sentence[:end].rsplit(" ", 1)[-1]
        following = re.match(r"\s+([^\W\d_]+)", sentence[end:])
        return bool(following) and spans.name_adjective(last, following.group(1))

    ending = {end: at(end) for end in set(bounds[:, 1].tolist())}
    return np.array([ending[end] for end in bounds[:, 1].tolist()], dtype=bool)


def _set_aside(sentence: str, bounds: np.ndarray) -> np.ndarray:
    """For each candidate, whether it follows words that set an alternative aside ("instead of")."""
    marks = tuple(fold(m) for m in lang.in_any_language("SET_ASIDE"))
    after_mark = {start: fold(sentence[:start]).rstrip().endswith(marks) for start in set(bounds[:, 0].tolist())}
    return np.array([after_mark[start] for start in bounds[:, 0].tolist()], dtype=bool)


@functools.lru_cache(maxsize=1)
def weights() -> dict:
    """The fitted weights and threshold (`bench --fit-short`); none when the file is missing."""
    try:
        return json.loads(WEIGHTS_FILE.read_text("utf-8"))
    except (OSError, ValueError):
        return {"weights": {}, "threshold": 1.0}


def _vector(fitted: dict) -> np.ndarray:
    return np.array([fitted["weights"].get(name, 0.0) for name in FEATURES])


def probabilities(x: np.ndarray, fitted: dict) -> np.ndarray:
    """The model's probability, for each candidate of one sentence (a row of features each), that it is
    the answer: a softmax over the candidates, as the model was fitted (a conditional logit)."""
    z = x @ _vector(fitted)
    p = np.exp(z - z.max())
    return p / p.sum()


def best(sentence: str, question: str, wanted: spans.Asked, fitted: dict | None = None) -> tuple[spans.Span, float] | None:
    """The likeliest answer span of `sentence` and its probability; None when no span is a candidate."""
    bounds, x = candidates(sentence, question, wanted)
    if not len(bounds):
        return None
    p = probabilities(x, fitted or weights())
    # A span the question already holds does not answer it ("Who did *Lukashenko* speak with?"), nor one
    # that stops at a name's adjective, before its noun ("zijn *Russische* | collega"), nor the alternative
    # the sentence sets aside ("in October instead of *April*").
    ruled_out = (x[:, _COLUMN["all in question"]] > 0) | _ends_on_adjective(sentence, bounds) | _set_aside(
        sentence, bounds)
    k = int(np.argmax(np.where(ruled_out, -1.0, p) if not ruled_out.all() else p))
    start, end = (int(v) for v in bounds[k])
    return spans.Span(start, end, sentence[start:end], wanted.kind), float(p[k])


def short_answer(sentence: str, question: str, wanted: spans.Asked) -> spans.Span | None:
    """The short answer within `sentence`, or None (no single fact asked, or no span sure enough)."""
    if wanted.kind == "none":
        return None
    found = best(sentence, question, wanted)
    if found is None or found[1] < weights()["threshold"]:
        return None
    return found[0]
