# Sourced by the training script tests: a folder of the fixture photos in a temporary $dir
# (removed on exit) and the arguments of a tiny, fast training run in tiny_args.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/photos"
cp "$fixtures"/photo-*.png "$dir/photos/"
tiny_args=(--data "$dir/photos" --lr-crop 8 --batch 2 --channels 8 --residual-blocks 1 --device cpu
           --sample-every 0)
