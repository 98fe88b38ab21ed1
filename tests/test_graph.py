"""The module graph: read from the source, with no cycle and no import pointing up at a face."""

import subprocess
import sys

from qa import graph
from qa.settings import PROJECT_ROOT


def test_the_package_has_no_cycle_and_nothing_below_the_faces_imports_them():
    imports = graph.imports()
    assert "qa.web.page" in imports and "qa.chat" in imports["qa.web.page"]
    assert graph.cycles(imports) == []
    assert graph.upward(imports) == []


def test_only_the_slow_libraries_are_imported_inside_functions():
    late = graph.late_imports()
    assert ("qa.web.page", "gradio") in {(module, imported) for module, _, imported in late}
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
    toy = {"qa.store": {"qa.vectorstore"}, "qa.vectorstore": {"qa.embeddings", "qa.store"},
           "qa.embeddings": set(), "qa.answer": {"qa.web.page"}, "qa.web.page": {"qa.answer"}}
    assert sorted(graph.cycles(toy)) == [["qa.answer", "qa.web.page"], ["qa.store", "qa.vectorstore"]]
    assert graph.upward(toy) == [("qa.answer", "qa.web.page")]


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
    assert "cycles: none" in out.stdout and "qa.cli" in out.stdout and "qa.web.serve" in out.stdout
    assert "(LATE_IMPORTS): none" in out.stdout
