"""Store: passages, their sentence vectors and a vector index, persisted without pickle (JSON + npy + the
index's own files)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.archive import vectors as backends
from qa.archive.files import append_after, atomic_write
from qa.archive.passages import Passage
from qa.text import article_language, opening_words, stems, words

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

FORMAT_VERSION = 5  # 5: passages and sentence vectors appended article by article; the vector index a snapshot
MANIFEST = "manifest.json"
PASSAGES = "passages"
SENTENCE_VECTORS = "sentences"
PASSAGE_VECTORS = "vectors"
# An update appends; the files are written anew once they hold more dead passages (of removed or changed
# articles) than live ones, and the vector index's snapshot once this many passages differ from it.
SNAPSHOT_AFTER = 2000


class CorruptIndexError(Exception):
    """The files under the index folder are missing, truncated or do not match their manifest."""


class OutdatedIndexError(CorruptIndexError):
    """The index was written by an earlier version in an older format: not damage, but rebuilt all the same."""


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _is_name(value: object) -> bool:
    return isinstance(value, str) and bool(value) and "/" not in value and "\\" not in value \
        and not value.startswith(".")


def check_manifest(manifest: object) -> dict[str, str]:
    """The data file names a manifest vouches for; `CorruptIndexError` when its shape is wrong."""
    if not isinstance(manifest, dict):
        raise CorruptIndexError("manifest is not a JSON object")
    if isinstance(manifest.get("format"), int) and 0 < manifest["format"] < FORMAT_VERSION \
            and isinstance(manifest.get("data_files"), dict):
        raise OutdatedIndexError(f"index format {manifest['format']} is older than {FORMAT_VERSION}")
    if manifest.get("format") != FORMAT_VERSION:
        raise CorruptIndexError(f"index format {manifest.get('format')!r} is not {FORMAT_VERSION}")
    if not isinstance(manifest.get("files", {}), dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in manifest.get("files", {}).items()):
        raise CorruptIndexError("manifest's list of articles is not a mapping of names to hashes")
    files, segments = manifest.get("data_files"), manifest.get("segments")
    if not isinstance(files, dict) or not {PASSAGES, SENTENCE_VECTORS} <= set(files) <= {
            PASSAGES, SENTENCE_VECTORS, PASSAGE_VECTORS} or not all(_is_name(v) for v in files.values()):
        raise CorruptIndexError("manifest does not name the index files")
    if not isinstance(segments, list) or not all(
            isinstance(s, dict) and isinstance(s.get("bytes"), int) and isinstance(s.get("rows"), int)
            and isinstance(s.get("sha256"), str) for s in segments):
        raise CorruptIndexError("manifest does not list the parts of the index files and their checksums")
    articles = manifest.get("articles")
    if not isinstance(articles, dict) or not all(
            isinstance(v, list) and len(v) == 2 and all(isinstance(n, int) and n >= 0 for n in v)
            for v in articles.values()):
        raise CorruptIndexError("manifest does not say where each article's passages are")
    snapshot = manifest.get("snapshot", {})
    if not isinstance(snapshot, dict) or not isinstance(snapshot.get("articles", {}), dict) \
            or (PASSAGE_VECTORS in files and not isinstance(snapshot.get("sha256"), str)):
        raise CorruptIndexError("manifest's vector index snapshot is malformed")
    if not isinstance(manifest.get("dim"), int) or manifest["dim"] <= 0:
        raise CorruptIndexError("manifest does not give the vector size")
    return files


@dataclass
class _Log:
    """Where a store's passages and sentence vectors are on disk: a passages file of JSON lines and a
    file of float16 sentence rows, both only appended to, and what of them the manifest vouches for.

    Attributes:
        folder: the index folder.
        files: the data files by kind (`PASSAGES`, `SENTENCE_VECTORS`, `PASSAGE_VECTORS`).
        segments: one per write: the passage bytes and sentence rows it appended, and their hash.
        lines: passage lines in the file.
        articles: `source -> [first line, lines]` of each article written.
        rows: sentence rows in the file (a few may not be in a segment yet: appended by `extended`).
        snapshot: `source -> [first line, lines]` of the articles the vector index's file holds.
        snapshot_sha256: that file's hash.
    """

    folder: Path
    files: dict[str, str]
    segments: list[dict]
    lines: int
    articles: dict[str, list[int]]
    rows: int
    snapshot: dict[str, list[int]]
    snapshot_sha256: str = ""

    @property
    def bytes(self) -> int:
        return sum(s["bytes"] for s in self.segments)

    @property
    def saved_rows(self) -> int:
        return sum(s["rows"] for s in self.segments)

    def copy(self) -> "_Log":
        return _Log(self.folder, dict(self.files), list(self.segments), self.lines, dict(self.articles),
                    self.rows, dict(self.snapshot), self.snapshot_sha256)


# The names the index gives its own files (a generation is 12 hex digits): only such files are ever
# deleted from an index folder. A user's `sentences-notes.txt` or `vectors-backup/` is left alone.
GENERATED = re.compile(r"(?:passages-[0-9a-z]{12}\.jsonl|sentences-[0-9a-z]{12}\.f16|vectors-[0-9a-z]{12}\.faiss)")
_TEMPORARY = re.compile(r"\.(?:passages|sentences|vectors|manifest)[^/]*\.tmp")  # atomic_write's, of index files


def _remove_unnamed(folder: Path, named: set[str]) -> list[str]:
    """Delete the index's own data files in `folder` that `named` (the manifest's files) does not hold;
    their names. Nothing else is touched: not a file of another name, not a folder."""
    stale = [p for p in folder.iterdir() if GENERATED.fullmatch(p.name) and p.name not in named and p.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return sorted(p.name for p in stale)


def sweep(folder: Path) -> list[str]:
    """Delete what a killed save or remove left in an index folder: temporary files, and data files the
    manifest no longer names (a removal killed after its manifest was written). Call it only while holding
    the folder's lock (`qa.archive.files.folder_lock`): a writer's new files are unnamed until its manifest lands.
    Returns the names deleted."""
    folder = Path(folder)
    try:
        named = set(check_manifest(json.loads((folder / MANIFEST).read_text("utf-8"))).values())
    except (OSError, ValueError, CorruptIndexError):
        return []  # no readable manifest: nothing tells what is stale, so nothing is deleted
    leftovers = [p for p in folder.glob(".*.tmp") if _TEMPORARY.fullmatch(p.name) and p.is_file()]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return sorted(p.name for p in leftovers) + _remove_unnamed(folder, named)


def _article_rows(passages: list[Passage]) -> dict[str, range]:
    """The rows of each article's passages, in order (an article's passages are contiguous)."""
    firsts: dict[str, int] = {}
    for row, passage in enumerate(passages):
        firsts.setdefault(passage.source, row)
    ends = [*list(firsts.values())[1:], len(passages)]
    return {source: range(first, end) for (source, first), end in zip(firsts.items(), ends)}


def _map_rows(path: Path, rows: int, dim: int) -> np.ndarray:
    """The first `rows` sentence vectors of a file, memory-mapped read-only."""
    if rows == 0:
        return np.zeros((0, dim), dtype=np.float16)
    return np.memmap(path, dtype=np.float16, mode="r", shape=(rows, dim))


class PassageStore:
    """Passages, one vector per sentence, and a vector index over passage vectors (any backend of
    `qa.archive.vectors`).

    A passage's vector is the normalised mean of its sentences', so building embeds each sentence once
    and choosing the answering sentence later needs no model call. Sentence vectors are kept as float16
    (half the memory, the same answers) and read from disk as they are needed (memory-mapped).

    Args:
        embeddings: the embedder used for questions.
        passages: the passages; row `i` of the sentence matrix belongs to them in order.
        sentence_vectors: `(total sentences, dim)` unit vectors, in passage order.
        vectors: the vector index holding these passages under `qa.archive.vectors.passage_id(passage.id)`;
            None builds an exact FAISS index from the sentence vectors.
    """

    def __init__(self, embeddings: Embeddings | None, passages: list[Passage], sentence_vectors: np.ndarray,
                 vectors=None, first_sentence: np.ndarray | None = None, ids: np.ndarray | None = None,
                 log: _Log | None = None):
        self._embeddings = embeddings
        self.passages = list(passages)
        self.sentence_vectors = sentence_vectors if sentence_vectors.dtype == np.float16 \
            else np.asarray(sentence_vectors, dtype=np.float16)
        counts = np.fromiter((len(p.sentences) for p in self.passages), dtype=np.int64, count=len(self.passages))
        self.dim = int(self.sentence_vectors.shape[1]) if self.sentence_vectors.ndim == 2 else 0
        if first_sentence is None:
            if counts.sum() != len(self.sentence_vectors):
                raise CorruptIndexError(f"{len(self.sentence_vectors)} sentence vectors for {counts.sum()} sentences")
            first_sentence = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else counts
        elif len(counts) and (len(first_sentence) != len(counts) or min(first_sentence) < 0
                              or (np.asarray(first_sentence) + counts).max() > len(self.sentence_vectors)):
            raise CorruptIndexError("a passage's sentences lie beyond the sentence vectors")
        # first_sentence[i] is the row of passage i's first sentence in `sentence_vectors`.
        self.first_sentence = np.asarray(first_sentence, dtype=np.int64)
        self.ids = backends.passage_ids([p.id for p in self.passages]) if ids is None else ids
        self.row_of = dict(zip(self.ids.tolist(), range(len(self.passages))))
        # article_rows[source]: the rows of that article's passages (contiguous, in order).
        self.article_rows: dict[str, range] = _article_rows(self.passages)
        if len(self.row_of) != len(self.passages):
            raise CorruptIndexError("two passages share an id")
        if vectors is None:
            vectors = backends.create("exact", self.dim)
            vectors.add(self.ids, self.passage_vectors(), [p.source for p in self.passages], self.lexical_texts())
        self.vectors = vectors
        self.log = log
        self.manifest: dict = {}  # as saved or loaded
        self._manifest_digest = ""

    def extended(self, passages: list[Passage], rows: list[int | None], embedded: np.ndarray,
                 vectors) -> "PassageStore":
        """A store of `passages`, reusing this one's sentence vectors.

        Args:
            passages: the new store's passages.
            rows: for each, its row in this store (its sentence vectors reused), or None for a new passage,
                whose sentence vectors are the next rows of `embedded`.
            embedded: the sentence vectors of the new passages, in order.
            vectors: the new store's vector index.

        When this store lives in an index folder, `embedded` is appended to its sentence file (which the
        manifest does not vouch for until `save`), and the new store reads every vector from that file.
        """
        counts = np.fromiter((len(p.sentences) for p in passages), dtype=np.int64, count=len(passages))
        new = np.fromiter((r is None for r in rows), dtype=bool, count=len(rows))
        old_rows = np.fromiter((-1 if r is None else r for r in rows), dtype=np.int64, count=len(rows))
        offsets = np.cumsum(np.where(new, counts, 0)) - np.where(new, counts, 0)
        ids = np.zeros(len(passages), dtype=np.int64)
        ids[~new] = self.ids[old_rows[~new]]
        ids[new] = backends.passage_ids([p.id for p, fresh in zip(passages, new) if fresh])
        embedded = np.asarray(embedded, dtype=np.float16).reshape(-1, self.dim)
        if self.log is not None:
            log = self.log.copy()
            path = log.folder / log.files[SENTENCE_VECTORS]
            append_after(path, log.rows * self.dim * 2, embedded.tobytes())
            # An archive that was empty has no old rows to look up.
            kept_first = self.first_sentence[np.maximum(old_rows, 0)] if len(self.first_sentence) else 0
            first = np.where(new, log.rows + offsets, kept_first)
            log.rows += len(embedded)
            reused = {p.source for p, fresh in zip(passages, new) if not fresh}
            log.articles = {s: v for s, v in log.articles.items() if s in reused}
            return PassageStore(self._embeddings, passages, _map_rows(path, log.rows, self.dim), vectors,
                                first, ids, log)
        pieces = [np.asarray(self.sentence_vectors[self.first_sentence[r]:self.first_sentence[r] + c])
                  if r >= 0 else embedded[o:o + c] for r, o, c in zip(old_rows, offsets, counts)]
        matrix = np.concatenate(pieces) if pieces else np.zeros((0, self.dim), np.float16)
        return PassageStore(self._embeddings, passages, matrix, vectors, ids=ids)

    def sentences_of(self, row: int) -> np.ndarray:
        """The sentence vectors of passage `row`, as float32."""
        first = self.first_sentence[row]
        return np.asarray(self.sentence_vectors[first:first + len(self.passages[row].sentences)], dtype=np.float32)

    def passage_vectors(self, rows: list[int] | None = None) -> np.ndarray:
        """Normalised mean sentence vectors of passages `rows` (all when None), float32."""
        rows = range(len(self.passages)) if rows is None else rows
        pooled = [self.sentences_of(r).sum(axis=0) for r in rows]
        if not pooled:
            return np.zeros((0, self.dim), dtype=np.float32)
        pooled = np.asarray(pooled, dtype=np.float32)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def lexical_texts(self, rows: list[int] | None = None) -> list[str]:
        """Each passage's title and text as content-word stems (in its article's language), for backends
        with BM25 of their own."""
        rows = range(len(self.passages)) if rows is None else rows
        language: dict[str, str] = {}
        for source in {self.passages[r].source for r in rows}:
            article = self.article_rows[source]
            sample = " ".join(p.text for p in self.passages[article.start:article.start + 8])
            language[source] = article_language(words(sample))
        return [" ".join(stems(f"{p.title} {p.text}", language[p.source])) for p in map(self.passages.__getitem__, rows)]

    def headline(self, source: str) -> str:
        """What a reader recognises an article by: its title, else its opening words."""
        rows = self.article_rows.get(source)
        if rows is None:
            return source
        passage = self.passages[rows.start]
        return passage.title or opening_words(passage.text)

    def ids_of(self, sources: set[str]) -> np.ndarray:
        """The ids of the passages of these articles."""
        slices = [self.ids[rows.start:rows.stop] for s in sources if (rows := self.article_rows.get(s))]
        return np.concatenate(slices) if slices else np.zeros(0, dtype=np.int64)

    @property
    def embeddings(self) -> Embeddings | None:
        return self._embeddings

    def search_vector(self, vector: np.ndarray, k: int, ids: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The `k` passages nearest `vector` (among passages `ids` only, if given; see `ids_of`), as
        `(row, cosine)`, best first."""
        found = self.vectors.search(vector, k, ids)
        return [(self.row_of[i], score) for i, score in found if i in self.row_of]

    def saved_in(self, folder: Path) -> bool:
        """Whether `folder` holds this store as it was last saved or loaded (nobody wrote it since)."""
        try:
            text = (Path(folder) / MANIFEST).read_bytes()
        except OSError:
            return False
        return bool(self._manifest_digest) and hashlib.sha256(text).hexdigest() == self._manifest_digest \
            and self.log is not None and self.log.folder.resolve() == Path(folder).resolve()

    def _line(self, row: int) -> bytes:
        record = self.passages[row].to_dict()
        record["row"] = int(self.first_sentence[row])
        return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"

    def save(self, folder: Path, manifest: dict) -> None:
        """Write the store to `folder` so that a crash at any point leaves the previous store loadable.

        A store that came from `extended` of the store saved there appends the passages of its new
        articles (and their sentence vectors, already appended) to the files; the manifest, written last
        by an atomic rename, says how much of each file is the index, with a hash of each part. The files
        are written anew, under new names, when none are there or they hold more dead passages than live
        ones; the previous ones are removed only after the manifest names the new. The vector index is
        saved whole (a snapshot) when that many passages differ from the last snapshot; loading brings a
        snapshot up to date. (A Milvus index lives in Milvus; the manifest records where.)

        Args:
            folder: the index folder.
            manifest: what the caller records (model, splitter, articles' hashes); the store adds its own.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.glob(".*.tmp"):  # from a save that was killed before its rename
            if _TEMPORARY.fullmatch(leftover.name) and leftover.is_file():
                leftover.unlink(missing_ok=True)
        log = self.log if self.log is not None and self.log.folder.resolve() == folder.resolve() else None
        articles = {source: [rows.start, len(rows)] for source, rows in self.article_rows.items()}
        new_lines = sum(n for s, (_, n) in articles.items() if log is None or s not in log.articles)
        if log is None or log.lines + new_lines > 2 * len(self.passages) + 64:
            log = self._write_all(folder, articles)
        else:
            log = self._append(log, articles)
        manifest = dict(manifest, format=FORMAT_VERSION, dim=self.dim, vector_index=self.vectors.kind,
                        data_files=log.files, segments=log.segments, articles=log.articles,
                        snapshot={"articles": log.snapshot} | (
                            {"sha256": log.snapshot_sha256} if PASSAGE_VECTORS in log.files else {}))
        text = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
        atomic_write(folder / MANIFEST, lambda h: h.write(text))
        self.log, self.manifest, self._manifest_digest = log, manifest, hashlib.sha256(text).hexdigest()
        _remove_unnamed(folder, set(log.files.values()))

    def _write_all(self, folder: Path, articles: dict[str, list[int]]) -> _Log:
        """Write passages and sentence vectors anew, in passage order, and a snapshot of the vector index;
        the store then reads its sentence vectors from the new file."""
        generation = os.urandom(6).hex()
        files = {PASSAGES: f"passages-{generation}.jsonl", SENTENCE_VECTORS: f"sentences-{generation}.f16"}
        counts = np.fromiter((len(p.sentences) for p in self.passages), dtype=np.int64, count=len(self.passages))
        order = np.concatenate([np.arange(f, f + c) for f, c in zip(self.first_sentence, counts)]) \
            if len(counts) else np.zeros(0, np.int64)
        self.first_sentence = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) if len(counts) \
            else counts
        contiguous = len(order) == len(self.sentence_vectors) and np.array_equal(order, np.arange(len(order)))
        vectors = np.ascontiguousarray(self.sentence_vectors if contiguous else self.sentence_vectors[order],
                                       dtype=np.float16)
        payload = b"".join(self._line(row) for row in range(len(self.passages)))
        atomic_write(folder / files[PASSAGES], lambda h: h.write(payload))
        atomic_write(folder / files[SENTENCE_VECTORS], lambda h: h.write(vectors.tobytes()))
        segment = {"bytes": len(payload), "rows": len(vectors),
                   "sha256": hashlib.sha256(payload + vectors.tobytes()).hexdigest()}
        written = self.vectors.save(folder, f"vectors-{generation}")
        if written:
            files[PASSAGE_VECTORS] = written[0]
        self.sentence_vectors = _map_rows(folder / files[SENTENCE_VECTORS], len(vectors), self.dim)
        return _Log(folder, files, [segment], len(self.passages), articles, len(vectors),
                    dict(articles) if written else {}, file_sha256(folder / written[0]) if written else "")

    def _append(self, log: _Log, articles: dict[str, list[int]]) -> _Log:
        """Append the passages of the articles the files do not hold yet (their sentence vectors are there
        already), and snapshot the vector index when it has drifted far from its last snapshot."""
        log = log.copy()
        payload, placed = [], {}
        for source, (first, count) in articles.items():
            if source in log.articles:
                placed[source] = log.articles[source]
            else:
                placed[source] = [log.lines, count]
                log.lines += count
                payload += [self._line(row) for row in range(first, first + count)]
        payload = b"".join(payload)
        append_after(log.folder / log.files[PASSAGES], log.bytes, payload)
        rows = _map_rows(log.folder / log.files[SENTENCE_VECTORS], log.rows, self.dim)[log.saved_rows:]
        log.segments.append({"bytes": len(payload), "rows": len(rows),
                             "sha256": hashlib.sha256(payload + np.ascontiguousarray(rows).tobytes()).hexdigest()})
        log.articles = placed
        if self.vectors.kind != "milvus":
            drifted = sum(n for s, (f, n) in placed.items() if log.snapshot.get(s, [None])[0] != f) + sum(
                n for s, (f, n) in log.snapshot.items() if placed.get(s, [None])[0] != f)
            if drifted > SNAPSHOT_AFTER:
                written = self.vectors.save(log.folder, f"vectors-{os.urandom(6).hex()}")
                log.files.pop(PASSAGE_VECTORS, None)
                if written:
                    log.files[PASSAGE_VECTORS] = written[0]
                log.snapshot = dict(placed) if written else {}
                log.snapshot_sha256 = file_sha256(log.folder / written[0]) if written else ""
        return log

    @classmethod
    def load(cls, folder: Path, embeddings: Embeddings | None, **vector_options) -> tuple["PassageStore", dict]:
        """Load a saved store and its manifest, checking every file against the manifest.

        Args:
            vector_options: for the vector index (`uri`, `collection` for Milvus; `nprobe`).

        Raises:
            FileNotFoundError: there is no index in `folder`.
            CorruptIndexError: the files are damaged or do not belong together.
        """
        folder = Path(folder)
        manifest_path = folder / MANIFEST
        if not manifest_path.exists():
            raise FileNotFoundError(f"no index in {folder}")
        try:
            text = manifest_path.read_bytes()
            manifest = json.loads(text.decode("utf-8"))
            files = check_manifest(manifest)
            dim = manifest["dim"]
            segments = manifest["segments"]
            total_bytes, total_rows = sum(s["bytes"] for s in segments), sum(s["rows"] for s in segments)
            with open(folder / files[PASSAGES], "rb") as handle:
                payload = handle.read(total_bytes)
            sentences_path = folder / files[SENTENCE_VECTORS]
            if len(payload) != total_bytes or sentences_path.stat().st_size < total_rows * dim * 2:
                raise CorruptIndexError("the index files are shorter than the manifest says")
            # Memory-mapped: only the sentences of the passages a question touches are read.
            sentence_vectors = _map_rows(sentences_path, total_rows, dim)
            at_byte = at_row = 0
            for segment in segments:
                digest = hashlib.sha256(payload[at_byte:at_byte + segment["bytes"]])
                digest.update(np.ascontiguousarray(sentence_vectors[at_row:at_row + segment["rows"]]).tobytes())
                if digest.hexdigest() != segment["sha256"]:
                    raise CorruptIndexError(f"{files[PASSAGES]} or {files[SENTENCE_VECTORS]} does not match "
                                            "the manifest")
                at_byte, at_row = at_byte + segment["bytes"], at_row + segment["rows"]
            lines = payload.split(b"\n")

            def records(first: int, count: int) -> list[dict]:
                if first + count > len(lines) - 1:
                    raise CorruptIndexError("an article's passages lie beyond the passages file")
                # json.loads, not pickle: a tampered index folder must not be able to run code.
                return [json.loads(line) for line in lines[first:first + count]]

            passages, first_sentence = [], []
            for first, count in manifest["articles"].values():
                for record in records(first, count):
                    first_sentence.append(record.pop("row"))
                    passages.append(Passage.from_dict(record))
            kind = manifest.get("vector_index", "exact")
            snapshot = manifest.get("snapshot", {})
            if kind != "milvus" and PASSAGE_VECTORS in files \
                    and file_sha256(folder / files[PASSAGE_VECTORS]) != snapshot.get("sha256"):
                raise CorruptIndexError(f"{files[PASSAGE_VECTORS]} does not match the manifest")
            name = files.get(PASSAGE_VECTORS, "").removesuffix(".faiss") or "none"
            vectors = backends.backend(kind).load(folder, name, dim, **vector_options)
            log = _Log(folder, dict(files), list(segments), len(lines) - 1, dict(manifest["articles"]), total_rows,
                       dict(snapshot.get("articles", {})), snapshot.get("sha256", ""))
            store = cls(embeddings, passages, sentence_vectors, vectors, np.array(first_sentence, dtype=np.int64),
                        log=log)
            store.manifest, store._manifest_digest = manifest, hashlib.sha256(text).hexdigest()
            if kind != "milvus":
                store._catch_up(log, records)
        except (CorruptIndexError, backends.BackendUnavailable):
            raise
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
            raise CorruptIndexError(f"cannot read index in {folder}: {error}") from error
        if kind != "milvus" and len(vectors) != len(passages):
            raise CorruptIndexError(f"the {kind} vector index holds {len(vectors)} passages, not {len(passages)}")
        # A Milvus collection shared by several app processes may hold more than this index knows of; a
        # search skips ids it does not know.
        return store, manifest

    def _catch_up(self, log: _Log, records) -> None:
        """Bring the vector index's snapshot up to the articles: take out the passages of articles removed
        or changed since it was written, put in those added since."""
        live = log.articles
        gone = [record["id"] for source, (first, count) in log.snapshot.items()
                if live.get(source, [None])[0] != first for record in records(first, count)]
        self.vectors.delete(backends.passage_ids(gone))
        rows = [row for source, found in self.article_rows.items()
                if log.snapshot.get(source, [None])[0] != live[source][0] for row in found]
        self.vectors.add(self.ids[rows], self.passage_vectors(rows), [self.passages[r].source for r in rows],
                         self.lexical_texts(rows))
