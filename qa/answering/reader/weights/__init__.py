"""The shipped reader weights: one fp16 `.npz` (no pickle) and `meta.json` with its sha256 and history."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parent
WEIGHTS = FOLDER / "reader.npz"
META = FOLDER / "meta.json"


class WeightsError(RuntimeError):
    """The shipped weights are missing or do not match their checksum."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def meta(folder: Path = FOLDER) -> dict:
    path = folder / META.name
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def available(folder: Path = FOLDER) -> bool:
    return (folder / WEIGHTS.name).exists() and (folder / META.name).exists()


def load_tensors(folder: Path = FOLDER) -> dict[str, np.ndarray]:
    """The weights as float32 arrays, after their checksum is checked (a mismatch raises WeightsError)."""
    path = folder / WEIGHTS.name
    if not available(folder):
        raise WeightsError(f"reader weights not found in {folder}")
    expected = meta(folder).get("sha256")
    if expected != sha256(path):
        raise WeightsError(f"{path}: checksum does not match meta.json; the file is damaged or was replaced")
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name].astype(np.float32) for name in data.files}


def save_tensors(tensors: dict[str, np.ndarray], extra: dict, folder: Path = FOLDER) -> Path:
    """Write fp16 weights and meta.json (checksum first computed, then both files swapped in)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "reader.tmp.npz"
    np.savez(tmp, **{name: value.astype(np.float16) for name, value in tensors.items()})
    info = {**meta(folder), **extra, "sha256": sha256(tmp), "dtype": "float16"}
    meta_tmp = folder / "meta.tmp.json"
    meta_tmp.write_text(json.dumps(info, indent=1) + "\n", "utf-8")
    os.replace(tmp, folder / WEIGHTS.name)
    os.replace(meta_tmp, folder / META.name)
    return folder
