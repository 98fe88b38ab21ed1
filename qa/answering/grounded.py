"""Grounded: a language model's answer, sentence by sentence verified against the cited passages.

Only sentences the verifier keeps are shown, as soon as each is complete; nothing shown is taken back.
When nothing survives, or the model is down or slow, the extractive answer stands.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

from qa import lang
from qa.answering.answer import EXPECTS, REFUSAL, Answer, cite
from qa.answering.generate import GeneratorError, build_messages, says_not_answered
from qa.answering.llm_process import ModelStopped
from qa.answering.verify import (
    Verdict,
    Verifier,
    name_occurs,
    split_generated,
    strip_markers,
)
from qa.archive.retrieval import HybridRetriever, Ranking
from qa.text import fold, words


@dataclass
class Sentence:
    """A verified sentence, ready to show: its markers already numbered as in the final answer."""

    text: str


def _renumber(verdict: Verdict, order: list[int]) -> str:
    """The sentence with its markers replaced by the final citation numbers (order of first use)."""
    for n in verdict.cites:
        if n not in order:
            order.append(n)
    marks = "".join(f"[{order.index(n) + 1}]" for n in verdict.cites)
    plain = strip_markers(verdict.sentence)
    end = re.search(r"[.!?]+$", plain)
    if end:
        return f"{plain[:end.start()]} {marks}{end.group(0)}"
    return f"{plain} {marks}"


def generate(chat_model, question: str, context: str, ranking: Ranking, retriever: HybridRetriever,
             embed, extractive: Answer, top_k: int, timeout: float) -> Iterator[Sentence | Answer]:
    """Stream verified sentences, then the final `Answer` (generator "llm" or "extractive").

    Args:
        chat_model: a LangChain chat model.
        question: what the user asked; context: the earlier question a follow-up leans on ("" if none).
        ranking: the retrieval for the question; its best `top_k` passages are given to the model.
        embed: embeds a text as a unit vector, for the support check.
        extractive: the extractive answer, the fallback and the judge of whether the article answers.
        timeout: seconds the model may take in all.
    """
    language = extractive.language
    store = retriever.store
    rows = [h.row for h in ranking.hits[:top_k]]
    passages = [store.passages[r] for r in rows]
    vectors = [store.sentences_of(r)
               for r in rows]
    verifier = Verifier(embed, [p.text for p in passages], vectors)
    asked = f"{question}\n(Earlier question: {context})" if context else question
    messages = build_messages(asked, [p.text for p in passages], language)
    # Supported is not the same as relevant: a generated answer stands only if some sentence of it
    # uses the passage that answers best (by the extractive check). None: the article does not answer.
    best_evidence = extractive.citations[0].passage_id if extractive.answerable else None

    order: list[int] = []
    kept: list[tuple[Verdict, str]] = []
    dropped: list[dict] = []
    repaired: list[dict] = []
    state = {"relevant": False, "shown": 0, "cites_best": False}

    def settle(sentence: str) -> Iterator[Sentence]:
        """Verify one complete sentence, then show what can no longer be taken back."""
        verdict = _verified(verifier, sentence, dropped)
        if verdict is None:
            return
        kept.append((verdict, _renumber(verdict, order)))
        if verdict.reason:
            repaired.append({"sentence": sentence, "reason": verdict.reason})
        if any(passages[n - 1].id == best_evidence for n in verdict.cites):
            state["cites_best"] = True
            # Supported is not enough: the answer must carry what was asked (the number, date or name
            # the extractive answer found, or its sentence), else it is supported and useless.
            if carries(verdict, passages, extractive, question):
                state["relevant"] = True
        # Until the answer is sure to stand, kept sentences wait; then they all go out in order.
        while state["relevant"] and state["shown"] < len(kept):
            yield Sentence(kept[state["shown"]][1])
            state["shown"] += 1

    written: list[str] = []  # the model's whole text, once it is done
    try:
        for sentence in _sentences_as_written(chat_model, messages, timeout, written):
            yield from settle(sentence)
    except Exception as error:  # a model that is down, slow or broken must not break the chat
        reason = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        if not state["shown"]:
            # A model process that died (a crash, a kill) is said so: it is started again next time.
            kind = "stopped" if isinstance(error, ModelStopped) else "down"
            yield _fallback(extractive, dropped, lang.get(language).NOTICES[kind].format(reason))
            return
        # Sentences already shown stay: they were verified, and the answer was sure to stand.

    if not extractive.answerable:
        # The article does not answer (by the extractive check): refuse, whatever the model wrote.
        for verdict, _ in kept:
            dropped.append({"sentence": verdict.sentence, "reason": "the article does not answer the question"})
        yield Answer(REFUSAL[language], False, language, [], extractive.confidence, generator="llm",
                     dropped=dropped)
        return
    if not kept:
        notice = "" if says_not_answered("".join(written)) else lang.get(language).NOTICES["empty"]
        yield _fallback(extractive, dropped, notice)
        return
    if not state["relevant"]:
        for verdict, _ in kept:
            dropped.append({"sentence": verdict.sentence, "reason": "does not use the passage that answers best"})
        if state["cites_best"]:
            notice = lang.get(language).NOTICES["missing"].format(", ".join(key_facts(extractive, question))
                                                                   or extractive.citations[0].quote[:80])
        else:
            notice = lang.get(language).NOTICES["off"]
        yield _fallback(extractive, dropped, notice)
        return
    citations = []
    for number, n in enumerate(order, start=1):
        passage = passages[n - 1]
        # Quote the sentence closest to the first claim resting on this passage.
        verdict = next((v for v, _ in kept if v.cites[0] == n), None)
        local = verdict.quote if verdict else 0
        q_start, q_end = passage.sentences[local]
        citation = cite(number, store, rows[n - 1], local, verdict.similarity if verdict else 0.0)
        best = extractive.citations[0]
        if best.short_end and best.passage_id == passage.id and q_start <= best.short_start < q_end:
            citation = replace(citation, short_start=best.short_start, short_end=best.short_end)
        citations.append(citation)
    text = " ".join(t for _, t in kept)
    yield Answer(text, True, language, citations, extractive.confidence, generator="llm", dropped=dropped,
                 repaired=repaired, short=extractive.short)


def _verified(verifier: Verifier, sentence: str, dropped: list[dict]) -> Verdict | None:
    """The verifier's verdict on a sentence the model wrote; None for a "not answered" line, or for one
    the verifier drops (added to `dropped` with why)."""
    if says_not_answered(sentence):
        return None
    verdict = verifier.check(sentence)
    if not verdict.kept:
        dropped.append({"sentence": sentence, "reason": verdict.reason})
        return None
    return verdict


def _sentences_as_written(chat_model, messages, timeout: float, written: list[str] | None = None) -> Iterator[str]:
    """The model's sentences, each as soon as it is complete; the whole text is left in `written`.

    Raises:
        GeneratorError: the model took more than `timeout` seconds in all.
    """
    full, settled, started = "", 0, time.perf_counter()
    for chunk in chat_model.stream(messages):
        full += chunk.content if isinstance(chunk.content, str) else ""
        if written is not None:
            written[:] = [full]
        sentences = split_generated(full)
        # The last sentence may still grow, and so may a sentence whose successor has no words
        # yet (its markers may still be arriving).
        complete = len(sentences) - 1
        if complete > 0 and not re.search(r"[^\W\d_]", strip_markers(sentences[-1])):
            complete -= 1
        yield from sentences[settled:complete]
        settled = max(settled, complete)
        if time.perf_counter() - started > timeout:
            raise GeneratorError(f"no full answer within {timeout:g} s")
    yield from split_generated(full)[settled:]


def _typed_short(extractive: Answer, question: str) -> str:
    """The reader's short answer, which a generated answer must carry (else the extractive answer stands);
    "" when there is none."""
    return extractive.short


def key_facts(extractive: Answer, question: str) -> list[str]:
    """The numbers, dates or names of the extractive answer that the question asks for and does not hold."""
    if not extractive.answerable:
        return []
    if _typed_short(extractive, question):  # the exact words that answer: a generated answer must carry them
        return [extractive.short]
    quote = extractive.citations[0].quote
    for asks, pattern in EXPECTS:
        if asks.search(question):
            # Whole words ("80", "1994", "vrijdag"), not the single digit the pattern stops at.
            tokens = [t.strip(".,;:!?()\"'") for t in quote.split()]
            # A capital after the first word marks a name (the pattern needs the word before it).
            found = dict.fromkeys(t for k, t in enumerate(tokens) if t and (
                pattern.search(f"x {t}") if t[:1].isupper() and k > 0 else pattern.search(t)))
            asked = {fold(t.strip(".,;:!?()\"'")) for t in question.split()}
            return [f for f in found if fold(f) not in asked]
    return []


def carries(verdict: Verdict, passages: list, extractive: Answer, question: str) -> bool:
    """Whether a kept sentence carries what the extractive answer found: one of its key facts (in either
    language), or, for a question that asks for no number, date or name, the answering sentence itself."""
    facts = key_facts(extractive, question)
    sentence = strip_markers(verdict.sentence)
    if facts:
        if _typed_short(extractive, question) and re.search(r"\d", extractive.short):  # the short answer's numbers, whatever
            # the language around them ("80 procent", "80 percent")
            return set(re.findall(r"\d+", extractive.short)) <= set(re.findall(r"\d+", sentence))
        return any(name_occurs(fact, sentence) if fact[:1].isupper() else
                   fold(fact) in fold(sentence) or fold(fact) in " ".join(lang.to_articles(w) for w in words(sentence))
                   for fact in facts)
    answer = extractive.citations[0]
    passage = passages[verdict.cites[0] - 1]
    if passage.id != answer.passage_id:
        return False
    start, end = passage.sentences[verdict.quote]
    return start < answer.quote_end and answer.quote_start < end


def _fallback(extractive: Answer, dropped: list[dict], notice: str) -> Answer:
    return Answer(extractive.text, extractive.answerable, extractive.language, extractive.citations,
                  extractive.confidence, generator="extractive", dropped=dropped, notice=notice or extractive.notice,
                  kind=extractive.kind, short=extractive.short)


def summarise(chat_model, question: str, extractive: Answer, store, embed, timeout: float
              ) -> Iterator[Sentence | Answer]:
    """A summary written by the model in the question's language, from the passages of the sentences
    the extractive summary chose; each sentence is verified against them as any generated answer is, and
    shown as soon as it is kept. When none is kept, or the model fails, the extractive summary stands.

    Yields verified `Sentence`s, then the final `Answer` (kind "summary").
    """
    language = extractive.language
    rows = []
    for citation in extractive.citations:
        span = store.article_rows.get(citation.source, range(0))
        row = next((r for r in span if store.passages[r].id == citation.passage_id), None)
        if row is not None and row not in rows:
            rows.append(row)
    passages = [store.passages[r] for r in rows]
    verifier = Verifier(embed, [p.text for p in passages], [store.sentences_of(r) for r in rows])
    order: list[int] = []
    kept: list[tuple[Verdict, str]] = []
    dropped: list[dict] = []

    def settle(sentence: str) -> Iterator[Sentence]:
        verdict = _verified(verifier, sentence, dropped)
        if verdict is not None:
            kept.append((verdict, _renumber(verdict, order)))
            yield Sentence(kept[-1][1])

    try:
        messages = build_messages(question, [p.text for p in passages], language)
        for sentence in _sentences_as_written(chat_model, messages, timeout):
            yield from settle(sentence)
    except Exception as error:  # a model that is down, slow or broken must not break the chat
        if not kept:
            reason = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
            kind = "stopped" if isinstance(error, ModelStopped) else "down"
            yield _fallback(extractive, dropped, lang.get(language).NOTICES[kind].format(reason))
            return
    if not kept:
        yield _fallback(extractive, dropped, lang.get(language).NOTICES["empty"])
        return
    citations = []
    for number, n in enumerate(order, start=1):
        verdict = next((v for v, _ in kept if v.cites[0] == n), None)
        citations.append(cite(number, store, rows[n - 1], verdict.quote if verdict else 0,
                              verdict.similarity if verdict else 0.0))
    yield Answer(" ".join(t for _, t in kept), True, language, citations, extractive.confidence, generator="llm",
                 dropped=dropped, kind="summary")
