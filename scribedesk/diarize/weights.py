"""Read a PyTorch checkpoint of the legacy (pre-zip) format into numpy arrays, without torch.

resemblyzer 0.1.4 ships its GE2E voice encoder as ``pretrained.pt`` in that format: five pickles in a
row (magic number, protocol version, system info, the checkpoint object, the list of storage keys),
then each storage as an int64 element count followed by its raw little-endian bytes. The unpickler
here is restricted: it builds only ordered dicts and tensors, and refuses every other class, so a
tampered file cannot run code.
"""

from __future__ import annotations

import pickle
import struct
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

_DTYPES: dict[str, np.dtype[Any]] = {
    "FloatStorage": np.dtype("<f4"),
    "DoubleStorage": np.dtype("<f8"),
    "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
}


class WeightsError(Exception):
    """The file is not a checkpoint this reader understands."""


@dataclass(frozen=True)
class _StorageType:
    name: str


@dataclass
class _Storage:
    dtype: np.dtype[Any]
    data: np.ndarray | None = None


@dataclass(frozen=True)
class _TensorRef:
    storage: _Storage
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]

    def to_array(self) -> np.ndarray:
        if self.storage.data is None:
            raise WeightsError("A tensor points at a storage the file never wrote.")
        item = self.storage.dtype.itemsize
        view = np.lib.stride_tricks.as_strided(
            self.storage.data[self.offset :],
            shape=self.size,
            strides=tuple(s * item for s in self.stride),
        )
        return np.array(view, copy=True)


def _rebuild_tensor(storage: _Storage, offset: int, size: Any, stride: Any, *_: Any) -> _TensorRef:
    return _TensorRef(storage, int(offset), tuple(size), tuple(stride))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: IO[bytes], storages: dict[str, _Storage]) -> None:
        super().__init__(file)
        self._storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor
        if module == "torch" and name in _DTYPES:
            return _StorageType(name)
        raise WeightsError(f"The checkpoint asks for {module}.{name}, which this reader refuses.")

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise WeightsError("The checkpoint has an unknown persistent reference.")
        storage_type, key = pid[1], str(pid[2])
        if not isinstance(storage_type, _StorageType):
            raise WeightsError("The checkpoint has an unknown storage type.")
        if pid[5] is not None:
            raise WeightsError("Storage views are not supported.")
        return self._storages.setdefault(key, _Storage(_DTYPES[storage_type.name]))


def _tensors(obj: Any) -> Any:
    if isinstance(obj, _TensorRef):
        return obj.to_array()
    if isinstance(obj, dict):
        return {k: _tensors(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(_tensors(v) for v in obj)
    return obj


def _safe_load(f: IO[bytes]) -> Any:
    return _Unpickler(f, {}).load()


def read_legacy_checkpoint(path: Path) -> dict[str, Any]:
    """The checkpoint's top-level dict, with every tensor turned into a numpy array."""
    with path.open("rb") as f:
        if _safe_load(f) != MAGIC_NUMBER:
            raise WeightsError(f"{path.name} is not a legacy PyTorch checkpoint.")
        if _safe_load(f) != PROTOCOL_VERSION:
            raise WeightsError(f"{path.name} has an unsupported protocol version.")
        info = _safe_load(f)
        if not isinstance(info, dict) or not info.get("little_endian", False):
            raise WeightsError(f"{path.name} was written on a big-endian machine.")
        storages: dict[str, _Storage] = {}
        obj = _Unpickler(f, storages).load()
        keys = _safe_load(f)
        for key in keys:
            storage = storages.get(str(key))
            if storage is None:
                raise WeightsError(f"{path.name} lists a storage no tensor uses.")
            (count,) = struct.unpack("<q", _read_exact(f, 8))
            raw = _read_exact(f, count * storage.dtype.itemsize)
            storage.data = np.frombuffer(raw, dtype=storage.dtype)
    if not isinstance(obj, dict):
        raise WeightsError(f"{path.name} does not hold a dict.")
    result: dict[str, Any] = _tensors(obj)
    return result


def _read_exact(f: IO[bytes], n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise WeightsError("The checkpoint ends early.")
    return data
