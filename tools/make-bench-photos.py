#!/usr/bin/python3
"""Makes a folder of real JPEG photographs for `striate dataset bench` and the torchvision comparison.

No network is needed: the photographs are the desktop wallpapers of Debian packages (install them first:
apt-get install -y mate-backgrounds plasma-workspace-wallpapers). From each photograph,
crops of random position and size (4:3, 35-100% of the shorter side) are resized to 500x375 and saved as JPEG
quality 90, like an ImageNet photograph, into OUT/class0 .. OUT/class9 (the class is arbitrary: the loader's
speed does not depend on it).

  /usr/bin/python3 tools/make-bench-photos.py OUT [--count 1000] [--seed 0]
"""
import argparse, glob, os, random
from PIL import Image

# Photographs in those packages (abstract renderings and drawings are left out).
SOURCES = ["/usr/share/backgrounds/mate/nature/*.jpg",
           "/usr/share/wallpapers/*/contents/images/2560x1600.jpg"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    files = sorted({f for pattern in SOURCES for f in glob.glob(pattern)})
    photos = []
    for f in files:
        try:
            image = Image.open(f)
            image.load()
        except OSError:
            continue
        if min(image.size) >= 600 and image.mode in ("RGB", "L"):
            photos.append(image.convert("RGB"))
    if not photos:
        raise SystemExit("no photographs found: apt-get install -y mate-backgrounds plasma-workspace-wallpapers")
    if os.path.exists(a.out) and os.listdir(a.out):
        raise SystemExit(a.out + " is not empty")
    rng = random.Random(a.seed)
    for i in range(a.count):
        photo = photos[i % len(photos)]
        width, height = photo.size
        crop_h = int(min(height, width * 3 / 4) * rng.uniform(0.35, 1.0))
        crop_w = crop_h * 4 // 3
        left, top = rng.randint(0, width - crop_w), rng.randint(0, height - crop_h)
        sample = photo.crop((left, top, left + crop_w, top + crop_h)).resize((500, 375), Image.LANCZOS)
        folder = os.path.join(a.out, "class%d" % (i % 10))
        os.makedirs(folder, exist_ok=True)
        sample.save(os.path.join(folder, "%04d.jpg" % i), quality=90)
    print("wrote %d photographs of 500x375 from %d wallpapers to %s" % (a.count, len(photos), a.out))


if __name__ == "__main__":
    main()
