#!/usr/bin/env python3
"""Regenerates the Fashion-MNIST subset that `striate demo` trains on.

Source: the Debian package dataset-fashion-mnist (Zalando's Fashion-MNIST, MIT licence), installed with
    apt-get install dataset-fashion-mnist
Subset: the first 1,500 images of each class in the official training set (15,000) and the first 250 of
each class in the official test set (2,500), in their original order, as gzipped IDX files. The gzip
header carries no name or time, so running this again gives byte-identical files.

usage: tools/make-demo-subset.py [SOURCE_DIR] [OUT_DIR]
"""
import gzip
import struct
import sys
from pathlib import Path

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else
           Path(__file__).resolve().parent.parent / "cli/src/main/resources/demo/fashion-mnist-subset")
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
PER_CLASS = {"train": 1500, "t10k": 250}


def read_idx(path, expected_magic):
    data = gzip.decompress(path.read_bytes())
    magic, count = struct.unpack(">II", data[:8])
    if magic != expected_magic:
        sys.exit(f"{path}: magic {magic:#010x}, expected {expected_magic:#010x}")
    return data, count


def write_gz(path, payload):
    # mtime=0 and no file name in the header: reproducible bytes.
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                                compresslevel=9) as out:
        out.write(payload)


def subset(split):
    images, count = read_idx(SOURCE / f"{split}-images-idx3-ubyte.gz", 0x00000803)
    labels, label_count = read_idx(SOURCE / f"{split}-labels-idx1-ubyte.gz", 0x00000801)
    if count != label_count:
        sys.exit(f"{split}: {count} images but {label_count} labels")
    rows, cols = struct.unpack(">II", images[8:16])
    size = rows * cols
    taken = {label: 0 for label in range(len(CLASSES))}
    chosen = []
    for index in range(count):
        label = labels[8 + index]
        if taken[label] < PER_CLASS[split]:
            taken[label] += 1
            chosen.append(index)
    if any(n < PER_CLASS[split] for n in taken.values()):
        sys.exit(f"{split}: too few images in some class: {taken}")
    image_bytes = b"".join(images[16 + i * size:16 + (i + 1) * size] for i in chosen)
    label_bytes = bytes(labels[8 + i] for i in chosen)
    write_gz(OUT / f"{split}-images-idx3-ubyte.gz",
             struct.pack(">IIII", 0x00000803, len(chosen), rows, cols) + image_bytes)
    write_gz(OUT / f"{split}-labels-idx1-ubyte.gz",
             struct.pack(">II", 0x00000801, len(chosen)) + label_bytes)
    return len(chosen)


def main():
    if not SOURCE.is_dir():
        sys.exit(f"{SOURCE} not found: apt-get install dataset-fashion-mnist")
    OUT.mkdir(parents=True, exist_ok=True)
    counts = {split: subset(split) for split in PER_CLASS}
    (OUT / "classes.txt").write_text("\n".join(CLASSES) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{OUT}: train {counts['train']}, t10k {counts['t10k']} images, {total} bytes")


if __name__ == "__main__":
    main()
