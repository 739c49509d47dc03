#!/usr/bin/env bash
# Builds a larger training folder for the bundled models: the data set's photos/train plus
# photos from the same Debian packages it already draws on (and two of their siblings), each
# downscaled with Lanczos to at most 1536 px on its long side as the data set's photos are.
#
#   models/extra-training-photos.sh OUT [DATA]
#
# OUT gets train/ (symlinks to DATA/train and the new PNGs), val/ (a link to DATA/val, so OUT
# is a DATA for models/train-cpu.sh) and MANIFEST-extra.tsv (file, package, version, path in
# the package, copyright file). DATA defaults to the data set's
# photos/. Nothing from photos/val is taken: the validation photos stay unseen; nor any picture
# the data set's EVAL-EXCLUDE.tsv reserves for independent evaluation (listed there by package
# and path; a line of that list is skipped here even if it is added below). Needs apt-get
# (download only, nothing is installed), dpkg-deb and Python's Pillow (pip).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:?usage: $0 OUT [DATA]}
data=${2:-$repo/../shared/datasets/photos}
[ -d "$data/train" ] || { echo "no train/ in $data" >&2; exit 1; }
python3 -c 'import PIL' 2>/dev/null || python3 -m pip install --quiet pillow

# package  path in the package: photos (and a few illustrations with hard edges) that the data
# set does not hold yet; the largest file of each picture.
read -r -d '' photos <<'EOF' || true
lomiri-wallpapers-20.04 /usr/share/backgrounds/Infinite-Sea_by_Aury88.jpg
ukui-wallpapers /usr/share/backgrounds/the-mouse.jpg
plasma-workspace-wallpapers /usr/share/wallpapers/Autumn/contents/images/2560x1600.jpg
plasma-workspace-wallpapers /usr/share/wallpapers/SafeLanding/contents/images/5120x2880.jpg
mate-backgrounds /usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg
enlightenment-data /usr/share/enlightenment/data/backgrounds/Paper-Flower.edj
opencv-doc /usr/share/doc/opencv-doc/examples/data/aloeR.jpg
opencv-doc /usr/share/doc/opencv-doc/examples/text/scenetext01.jpg
opencv-doc /usr/share/doc/opencv-doc/examples/text/scenetext06.jpg
opencv-doc /usr/share/doc/opencv-doc/opencv4/html/HDRtoneMapping_memorialSample.jpg
opencv-doc /usr/share/doc/opencv-doc/opencv4/html/detect_test1.jpg
opencv-doc /usr/share/doc/opencv-doc/opencv4/html/corridor_fld.jpg
opencv-doc /usr/share/doc/opencv-doc/opencv4/html/yolo.jpg
EOF

# Pictures reserved for evaluation never become training data.
exclude=$data/../EVAL-EXCLUDE.tsv
if [ -f "$exclude" ]; then
  photos=$(grep -v -F -x -f <(grep -v '^#' "$exclude" | tr '\t' ' ') <<<"$photos" || true)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages=$(awk '{print $1}' <<<"$photos" | sort -u)
(cd "$work" && apt-get download $packages >/dev/null 2>&1) ||
  { echo "apt-get download failed for: $packages" >&2; exit 1; }
mkdir -p "$work/root"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done

mkdir -p "$out/train"
[ -d "$data/val" ] && ln -sfn "$(realpath "$data/val")" "$out/val"
for f in "$data"/train/*; do ln -sfn "$(realpath "$f")" "$out/train/$(basename "$f")"; done
printf 'file\tpackage\tversion\tpath_in_package\tcopyright\n' >"$out/MANIFEST-extra.tsv"
while read -r package path; do
  version=$(dpkg-deb -f "$work"/"${package}"_*.deb Version)
  name=$(python3 - "$work/root$path" "$out/train" "$package" <<'PY'
import io, os, sys
from PIL import Image
src, dst, package = sys.argv[1:]
if src.endswith(".edj"):  # an Eet archive: the picture is its largest embedded JPEG
    blob, best, i = open(src, "rb").read(), None, 0
    while (i := blob.find(b"\xff\xd8\xff", i)) >= 0:
        try:
            im = Image.open(io.BytesIO(blob[i:])); im.load()
            if best is None or im.width * im.height > best.width * best.height:
                best = im
        except OSError:
            pass
        i += 3
    im = best
else:
    im = Image.open(src)
im = im.convert("RGB")
scale = 1536 / max(im.size)
if scale < 1:
    im = im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS)
parts = src.split("/")
stem = parts[-4] if "contents" in parts else os.path.splitext(parts[-1])[0]
name = f"extra-{package}-{stem}.png"
im.save(os.path.join(dst, name))
print(name)
PY
)
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$package" "$version" "$path" \
    "/usr/share/doc/$package/copyright" >>"$out/MANIFEST-extra.tsv"
done <<<"$photos"
echo "$out/train: $(ls "$out/train" | wc -l) photos ($(($(wc -l <"$out/MANIFEST-extra.tsv") - 1)) new)"
