"""The module graph: read from the source, with no cycle, no import pointing up a layer, and faces that
reach the archive only through its doors."""

import subprocess
import sys

from qa import graph
from qa.settings import PROJECT_ROOT


def test_the_package_has_no_cycle_no_upward_import_and_its_faces_use_the_archives_doors():
    imports = graph.imports()
    assert "qa.faces.web.page" in imports and "qa.answering.chat" in imports["qa.faces.web.page"]
    assert graph.cycles(imports) == []
    assert graph.upward(imports) == []
    assert graph.past_the_doors(imports) == []
    # The web face adds and removes articles through the library alone.
    assert {m for m in imports["qa.faces.web.page"] if m.startswith("qa.archive")} == {"qa.archive.library"}
    layers = {graph.layer(m) for m in imports}
    assert layers == {0, 1, 2, 3}  # every layer holds modules: faces, answering, archive, languages


def test_only_the_slow_libraries_are_imported_inside_functions():
    late = graph.late_imports()
    assert ("qa.faces.web.page", "gradio") in {(module, imported) for module, _, imported in late}
    assert graph.unexplained(late) == []


def test_an_import_hidden_in_a_function_is_found_and_a_slow_library_is_let_through(tmp_path):
    package = tmp_path / "qa"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("import json\n\ndef f():\n    import gradio\n    from qa import high\n"
                                    "    if True:\n        import numpy.linalg\n")
    (package / "high.py").write_text("")
    late = graph.late_imports(package)
    assert late == [("qa.low", 4, "gradio"), ("qa.low", 5, "qa"), ("qa.low", 7, "numpy.linalg")]
    assert graph.unexplained(late) == [("qa.low", 5, "qa"), ("qa.low", 7, "numpy.linalg")]


def test_a_cycle_and_an_upward_import_are_found():
    toy = {"qa.archive.store": {"qa.archive.vectorstore"}, "qa.archive.vectorstore": {"qa.archive.embeddings", "qa.archive.store"},
           "qa.archive.embeddings": set(), "qa.answering.answer": {"qa.faces.web.page"}, "qa.faces.web.page": {"qa.answering.answer"}}
    assert sorted(graph.cycles(toy)) == [["qa.answering.answer", "qa.faces.web.page"], ["qa.archive.store", "qa.archive.vectorstore"]]
    assert graph.upward(toy) == [("qa.answering.answer", "qa.faces.web.page")]
    toy = {"qa.archive.index": {"qa.answering.chat"}, "qa.faces.web.page": {"qa.archive.index", "qa.archive.library"},
           "qa.faces.cli": {"qa.archive.index"}, "qa.answering.chat": {"qa.archive.index"}}
    assert graph.upward(toy) == [("qa.archive.index", "qa.answering.chat")]
    assert graph.past_the_doors(toy) == [("qa.faces.web.page", "qa.archive.index")]


def test_imports_inside_functions_and_relative_ones_count(tmp_path):
    package = tmp_path / "qa"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("def f():\n    from qa import high\n")
    (package / "high.py").write_text("from qa.sub import leaf\n")
    (package / "sub" / "__init__.py").write_text("from .leaf import x\n")
    (package / "sub" / "leaf.py").write_text("x = 1\n")
    imports = graph.imports(package)
    assert imports["qa.low"] == {"qa.high"} and imports["qa.high"] == {"qa.sub.leaf"}
    assert imports["qa.sub"] == {"qa.sub.leaf"}


def test_the_graph_command_prints_every_module_and_says_none_for_cycles():
    out = subprocess.run([sys.executable, str(PROJECT_ROOT / "app.py"), "graph"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "cycles: none" in out.stdout and "up a layer: none" in out.stdout and "qa.faces.cli" in out.stdout and "qa.faces.web.serve" in out.stdout
    assert "(LATE_IMPORTS): none" in out.stdout
