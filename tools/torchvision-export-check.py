#!/usr/bin/env python3
"""Checks striate's safetensors files against torchvision, outside the test suite (./test needs no Python).

  torchvision-export-check.py make-resnet18 FILE       writes torchvision's resnet18 (ImageNet head, random values,
                                                       seed 0) as safetensors, as a user's ImageNet weights would be
  torchvision-export-check.py load-resnet18 FILE N     loads an export of `striate export` into torchvision's
                                                       resnet18(num_classes=N) with strict=True and runs it once

Needs torch and torchvision (Debian: python3-torchvision); reads and writes safetensors itself, so that the
safetensors package is not needed.
"""
import json
import struct
import sys

import torch
import torchvision

DTYPES = {"F32": torch.float32, "F64": torch.float64, "BF16": torch.bfloat16, "F16": torch.float16,
          "I64": torch.int64, "I32": torch.int32}
NAMES = {dtype: name for name, dtype in DTYPES.items()}


def write(path, tensors):
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name, tensor in tensors.items():
        blob = tensor.contiguous().view(torch.uint8).numpy().tobytes() if tensor.dim() else \
            tensor.reshape(1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": NAMES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    length = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        raw = torch.frombuffer(bytearray(body[start:end]), dtype=torch.uint8)
        tensors[name] = raw.view(DTYPES[entry["dtype"]]).reshape(entry["shape"])
    return header.get("__metadata__", {}), tensors


def main():
    command, path = sys.argv[1], sys.argv[2]
    if command == "make-resnet18":
        torch.manual_seed(0)
        write(path, torchvision.models.resnet18().state_dict())
        print("wrote torchvision resnet18 (1000 classes) to", path)
    elif command == "load-resnet18":
        metadata, tensors = read(path)
        model = torchvision.models.resnet18(num_classes=int(sys.argv[3]))
        wanted = model.state_dict()
        for name, tensor in tensors.items():
            if tensor.dtype != wanted[name].dtype:
                tensors[name] = tensor.to(wanted[name].dtype)
        model.load_state_dict(tensors, strict=True)
        model.eval()
        with torch.no_grad():
            logits = model(torch.zeros(1, 3, 64, 64))
        print("torchvision resnet18 loaded", path, "with strict=True:", len(tensors), "tensors,",
              "dtypes", sorted({NAMES[t.dtype] for t in read(path)[1].values()}), "; logits", tuple(logits.shape),
              "; classes", metadata.get("classes"))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
