"""The reader's encoder as an ONNX graph with no weights in it (`weights/reader.onnx`, about 15 KB).

ONNX Runtime reads the encoder 1.6x faster than numpy on 2 cores (docs/benchmark.md). The graph takes the
embedded tokens (`x`: rows, tokens, hidden), the attention mask as an additive bias, and every weight as
an input: the weights stay in `reader.npz` (fp16, checksummed) and are handed over once, as float32,
when the reader loads. Building the graph needs the `onnx` package (a development dependency); running it
needs only `onnxruntime`. `python -m qa.answering.reader.onnx_graph` writes it from the shipped weights' names.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

from qa.answering.reader import weights
from qa.answering.reader.e5file import E5File

GRAPH = weights.FOLDER / "reader.onnx"


def weight_inputs(tensors: dict[str, np.ndarray], layers: int) -> dict[str, np.ndarray]:
    """The graph's weight inputs, float32 and laid out as its MatMuls want them (in, out)."""
    out = {}
    for k in range(layers):
        def g(name, k=k):
            return tensors[f"l{k}.{name}"]

        out[f"l{k}.qkv.w"] = np.concatenate([g("q.w"), g("k.w"), g("v.w")]).T
        out[f"l{k}.qkv.b"] = np.concatenate([g("q.b"), g("k.b"), g("v.b")])
        for part in ("ao", "fi", "fo"):
            out[f"l{k}.{part}.w"] = g(f"{part}.w").T
            out[f"l{k}.{part}.b"] = g(f"{part}.b")
        for norm in ("aln", "oln"):
            out[f"l{k}.{norm}.w"] = g(f"{norm}.w")
            out[f"l{k}.{norm}.b"] = g(f"{norm}.b")
    out["span.w"] = tensors["span.w"].T
    out["span.b"] = tensors["span.b"]
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in out.items()}


def build(shapes: dict[str, tuple[int, ...]], layers: int, heads: int, hidden: int, eps: float) -> bytes:
    """The serialised graph (see the module docstring)."""
    from onnx import TensorProto, helper, numpy_helper

    d = hidden // heads
    nodes = []
    consts = [numpy_helper.from_array(np.array([0, 0, heads, d], np.int64), "split_heads"),
              numpy_helper.from_array(np.array([0, 0, hidden], np.int64), "merge_heads"),
              numpy_helper.from_array(np.array(1 / np.sqrt(d), np.float32), "scale")]

    def node(op, inputs, output, **attrs):
        nodes.append(helper.make_node(op, inputs, [output] if isinstance(output, str) else output, **attrs))
        return output

    x = "x"
    for k in range(layers):
        p = f"l{k}."
        qkv = node("Add", [node("MatMul", [x, p + "qkv.w"], p + "qkv_mm"), p + "qkv.b"], p + "qkv")
        node("Split", [qkv], [p + "q", p + "k", p + "v"], axis=2)
        q = node("Transpose", [node("Reshape", [p + "q", "split_heads"], p + "q4")], p + "qt", perm=[0, 2, 1, 3])
        kt = node("Transpose", [node("Reshape", [p + "k", "split_heads"], p + "k4")], p + "kt", perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [p + "v", "split_heads"], p + "v4")], p + "vt", perm=[0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, kt], p + "qk"), "scale"], p + "qks"), "bias"], p + "sc")
        ctx = node("MatMul", [node("Softmax", [scores], p + "att", axis=-1), v], p + "ctx")
        merged = node("Reshape", [node("Transpose", [ctx], p + "ctxt", perm=[0, 2, 1, 3]), "merge_heads"], p + "ctxm")
        attn = node("Add", [node("MatMul", [merged, p + "ao.w"], p + "ao_mm"), p + "ao.b"], p + "ao")
        h1 = node("LayerNormalization", [node("Add", [attn, x], p + "res1"), p + "aln.w", p + "aln.b"], p + "h1",
                  axis=-1, epsilon=eps)
        mid = node("Add", [node("MatMul", [h1, p + "fi.w"], p + "fi_mm"), p + "fi.b"], p + "fi")
        act = node("Gelu", [mid], p + "gelu", domain="com.microsoft")
        out = node("Add", [node("MatMul", [act, p + "fo.w"], p + "fo_mm"), p + "fo.b"], p + "fo")
        x = node("LayerNormalization", [node("Add", [out, h1], p + "res2"), p + "oln.w", p + "oln.b"], p + "out",
                 axis=-1, epsilon=eps)
    node("Add", [node("MatMul", [x, "span.w"], "span_mm"), "span.b"], "logits")
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["rows", "tokens", hidden]),
              helper.make_tensor_value_info("bias", TensorProto.FLOAT, ["rows", 1, 1, "tokens"])]
    inputs += [helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape)) for name, shape in shapes.items()]
    graph = helper.make_graph(nodes, "reader", inputs,
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["rows", "tokens", 2])],
                              consts)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    return model.SerializeToString()


def write() -> None:
    """Write `reader.onnx` beside the shipped weights and its checksum into their meta.json."""
    e5 = E5File()
    tensors = weights.load_tensors()
    shapes = {name: value.shape for name, value in weight_inputs(tensors, e5.layers).items()}
    data = build(shapes, e5.layers, e5.heads, e5.hidden, e5.eps)
    GRAPH.write_bytes(data)
    info = weights.meta()
    info["graph_sha256"] = hashlib.sha256(data).hexdigest()
    weights.META.write_text(json.dumps(info, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    write()
