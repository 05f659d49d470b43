"""The voice encoder as an in-memory ONNX model for onnxruntime (already installed with faster-whisper).

onnxruntime's LSTM kernel is several times faster than a numpy loop. The model is built at load
time from the weights that resemblyzer ships, so nothing is converted or stored on disk; a tiny
protobuf writer stands in for the ``onnx`` package (only the fields used here: ModelProto, graph,
nodes with int attributes, float tensors and value infos).
"""

from __future__ import annotations

import struct

import numpy as np

FLOAT = 1
ATTR_INT = 2
IR_VERSION = 8
OPSET = 17


def _varint(n: int) -> bytes:
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _int(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(value)


def _bytes(field: int, value: bytes) -> bytes:
    return _key(field, 2) + _varint(len(value)) + value


def _str(field: int, value: str) -> bytes:
    return _bytes(field, value.encode())


def tensor(name: str, array: np.ndarray) -> bytes:
    """TensorProto: dims=1, data_type=2, name=8, raw_data=9."""
    data = np.ascontiguousarray(array, dtype="<f4")
    dims = b"".join(_int(1, d) for d in data.shape)
    return dims + _int(2, FLOAT) + _str(8, name) + _bytes(9, data.tobytes())


def node(op: str, inputs: list[str], outputs: list[str], **ints: int | list[int]) -> bytes:
    """NodeProto: input=1, output=2, op_type=4, attribute=5 (AttributeProto name=1, i=3, ints=8, type=20)."""
    body = b"".join(_str(1, i) for i in inputs) + b"".join(_str(2, o) for o in outputs)
    body += _str(4, op)
    for name, value in ints.items():
        if isinstance(value, list):
            attr = _str(1, name) + b"".join(_int(8, v) for v in value) + _int(20, 7)
        else:
            attr = _str(1, name) + _int(3, value) + _int(20, ATTR_INT)
        body += _bytes(5, attr)
    return body


def value_info(name: str, dims: list[int | str]) -> bytes:
    """ValueInfoProto with a float tensor type; a str dim is symbolic."""
    shape = b""
    for d in dims:
        dim = _str(2, d) if isinstance(d, str) else _int(1, d)
        shape += _bytes(1, dim)
    tensor_type = _int(1, FLOAT) + _bytes(2, shape)
    return _str(1, name) + _bytes(2, _bytes(1, tensor_type))


def model(nodes: list[bytes], initializers: list[bytes], inputs: list[bytes], outputs: list[bytes]) -> bytes:
    """ModelProto bytes: ir_version=1, graph=7, opset_import=8."""
    graph = b"".join(_bytes(1, n) for n in nodes) + _str(2, "voice_encoder")
    graph += b"".join(_bytes(5, t) for t in initializers)
    graph += b"".join(_bytes(11, i) for i in inputs) + b"".join(_bytes(12, o) for o in outputs)
    opset = _str(1, "") + _int(2, OPSET)
    return _int(1, IR_VERSION) + _bytes(7, graph) + _bytes(8, opset)


def _torch_to_onnx_gates(w: np.ndarray) -> np.ndarray:
    """PyTorch stacks LSTM gates as i, f, g, o; ONNX wants i, o, f, c (c is PyTorch's g)."""
    i, f, g, o = np.split(w, 4, axis=0)
    return np.concatenate([i, o, f, g], axis=0)


def encoder_model(state: dict[str, np.ndarray], layers: int, hidden: int) -> bytes:
    """mels (time, batch, 40) -> hidden (batch, 256): the final hidden state of the last LSTM layer.

    The linear layer, ReLU and L2 norm stay in numpy (cheap); the input is time-major.
    """
    nodes: list[bytes] = []
    inits: list[bytes] = []
    x = "mels"
    for k in range(layers):
        w = _torch_to_onnx_gates(state[f"lstm.weight_ih_l{k}"])[None]
        r = _torch_to_onnx_gates(state[f"lstm.weight_hh_l{k}"])[None]
        b = np.concatenate(
            [
                _torch_to_onnx_gates(state[f"lstm.bias_ih_l{k}"]),
                _torch_to_onnx_gates(state[f"lstm.bias_hh_l{k}"]),
            ]
        )[None]
        inits += [tensor(f"W{k}", w), tensor(f"R{k}", r), tensor(f"B{k}", b)]
        nodes.append(node("LSTM", [x, f"W{k}", f"R{k}", f"B{k}"], [f"Y{k}", f"Yh{k}"], hidden_size=hidden))
        nodes.append(node("Squeeze", [f"Y{k}", "axes1"], [f"S{k}"]))
        x = f"S{k}"
    nodes.append(node("Squeeze", [f"Yh{layers - 1}", "axes0"], ["hidden"]))
    inits += [_int64_tensor("axes1", [1]), _int64_tensor("axes0", [0])]
    return model(
        nodes,
        inits,
        [value_info("mels", ["time", "batch", 40])],
        [value_info("hidden", ["batch", hidden])],
    )


def _int64_tensor(name: str, values: list[int]) -> bytes:
    data = struct.pack(f"<{len(values)}q", *values)
    return _int(1, len(values)) + _int(2, 7) + _str(8, name) + _bytes(9, data)
