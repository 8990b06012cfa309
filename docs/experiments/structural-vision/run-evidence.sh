#!/usr/bin/env bash
# Issue 9 evidence runs: ResNet-56 (akamaster) and the tiny ViT, pruned, fine-tuned on the 20k staged CIFAR-10
# training images, evaluated on the lossless first 1,000 and the JPEG 10k test images.
# Usage: docs/experiments/structural-vision/run-evidence.sh SHARED_DATA_DIR OUT_DIR [EPOCHS_MAIN]
# Reads only the shared data folder; writes JSON reports and pruned checkpoints into OUT_DIR.
set -euo pipefail
D=${1:?shared data dir}; O=${2:?output dir}; E=${3:-8}
C=$D/cifar10; R56=$D/cifar10-resnet-akamaster/resnet56-4bfd9763.th; V=$D/vit-cifar10-tiny/vit_cifar10.pth
mkdir -p "$O"
cd "$(dirname "$0")/../../.."
t() { /usr/bin/time -f "$1 %e s wall" "${@:2}"; }
prune56() { # name, then options
  n=$1; shift
  t "$n" ./prune4j prune --arch resnet56 --model "$R56" --images "$C/test_batch_first1000_lossless.bin" \
      --dataset cifar10 --data-dir "$D" --lr 0.01 --batch-size 128 --seed 0 --latency-reps 5 \
      --out "$O/$n.safetensors" --json "$@" > "$O/$n.json" 2> "$O/$n.log"
}
jpeg() { ./prune4j eval --arch "$1" --model "$2" --images "$C/test_batch.bin" --json > "$3"; }
# dense references
jpeg resnet56 "$R56" "$O/dense-resnet56-jpeg10k.json"
# A. the main run: L2, global, keep half of the MACs, E epochs of fine-tuning
prune56 r56-l2-m50-ft$E --method l2 --scope global --target-macs 0.5 --finetune-epochs "$E"
jpeg resnet56 "$O/r56-l2-m50-ft$E.safetensors" "$O/r56-l2-m50-ft$E-jpeg10k.json"
# B. the four criteria at the same MACs, one epoch each (Taylor scores on the --images set)
for m in l2 taylor bn-scale random; do
  prune56 r56-$m-m50-ft1 --method "$m" --scope global --target-macs 0.5 --finetune-epochs 1
done
# C. the tiny ViT: 25% and 50% of the heads and MLP width removed, one epoch each
for r in 0.25 0.5; do
  t vit-$r ./prune4j prune --arch vit-cifar-tiny --model "$V" --method l2 --scope local --ratio $r \
      --images "$C/test_batch_first1000_lossless.bin" --finetune-epochs 1 --dataset cifar10 --data-dir "$D" \
      --lr 0.001 --seed 0 --latency-reps 5 --out "$O/vit-l2-r$r-ft1.safetensors" --json > "$O/vit-l2-r$r-ft1.json" 2> "$O/vit-l2-r$r-ft1.log"
done
jpeg vit-cifar-tiny "$V" "$O/dense-vit-jpeg10k.json"
# D. the MACs sweep for the plot (L2, global, one epoch)
for k in 0.8 0.65 0.4 0.3; do
  prune56 r56-l2-m${k#0.}-ft1 --method l2 --scope global --target-macs $k --finetune-epochs 1
done
