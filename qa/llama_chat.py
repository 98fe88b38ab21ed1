"""Llama chat: a local GGUF model through llama-cpp-python, as a streaming LangChain chat model."""

from __future__ import annotations

import threading
from typing import Any, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LlamaCppChat(BaseChatModel):
    """A GGUF model file run by llama-cpp-python; loaded on first use, one generation at a time.

    Args:
        model_path: the GGUF file.
        n_ctx: context window in tokens (default 4096).
        max_tokens, temperature: generation limits (160, 0.0).
    """

    model_path: str
    n_ctx: int = 4096
    max_tokens: int = 160
    temperature: float = 0.0
    _llama: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _model(self):
        if self._llama is None:
            from llama_cpp import Llama

            self._llama = Llama(model_path=self.model_path, n_ctx=self.n_ctx, verbose=False)
        return self._llama

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        text = "".join(chunk.message.content for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs) -> Iterator[ChatGenerationChunk]:
        payload = [{"role": _ROLES.get(m.type, "user"), "content": m.content} for m in messages]
        with self._lock:  # one llama context: one generation at a time
            stream = self._model().create_chat_completion(
                messages=payload, stream=True, max_tokens=self.max_tokens, temperature=self.temperature, stop=stop)
            for part in stream:
                delta = part["choices"][0].get("delta", {}).get("content")
                if delta:
                    yield ChatGenerationChunk(message=AIMessageChunk(content=delta))
