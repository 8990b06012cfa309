#!/usr/bin/env bash
# runs after the fine-tuning run: evaluations and interleaved benchmarks on the quiet machine
set -u
while pgrep -f "taylor-kd-ft18" >/dev/null; do sleep 10; done
D=/work/shared/data; C=$D/cifar10; R56=$D/cifar10-resnet-akamaster/resnet56-4bfd9763.th; O=/tmp/sv/s5
cd /work/wt/evidence
./prune4j eval --arch resnet56 --model $O/taylor-kd-ft18.safetensors --images $C/test_batch.bin --json > $O/taylor-kd-ft18-jpeg10k.json 2>$O/post.err
M="--model $R56 --model $O/taylor-kd-ft18.safetensors --model /tmp/sv/ev/r56-l2-m50-ft8.safetensors"
./prune4j bench --arch resnet56 $M --runs 15 --warmup 3 --json > $O/bench-prune4j.json 2>>$O/post.err
MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=536870912 ./prune4j bench --arch resnet56 $M --runs 15 --warmup 3 --json > $O/bench-prune4j-malloc.json 2>>$O/post.err
./prune4j bench --arch resnet56 --runtime onnxruntime $M --runs 15 --warmup 3 --json > $O/bench-ort.json 2>>$O/post.err
cd /work/main
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
$J --enable-native-access=ALL-UNNAMED -Xmx8g -cp target/classes:target/test-classes:$(cat target/classpath.txt) org.prune4j.bench.ResNetWidthLatency --runs=12 --warmup=2 \
  16,16,16/16,16,16 16,16,32/16,16,16 16,16,48/16,16,16 16,32,64/8,16,32 8,32,64/8,16,32 8,16,32/8,16,32 > $O/grid.txt 2>>$O/post.err
echo done > $O/post.done
