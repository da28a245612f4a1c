#!/usr/bin/env bash
# ledger on the build before SPI v2 (eb2f29b) against main with SPI v2 (dad3159), alternating, same run
cd "${BENCH_DIR:-.}"   # holds bench-base.jar (eb2f29b) and bench-spi.jar (dad3159)
for r in 1 2 3 4; do
  for b in base spi; do
    l=$(cut -d' ' -f1 /proc/loadavg)
    s=$(java -jar bench-$b.jar EngineThroughputBenchmark.submit -f 1 -rf json -rff /tmp/jmh-$b-$r.json 2>&1 | grep -E "^EngineThroughputBenchmark.submit " | awk '{print $(NF-3)}')
    echo "throughput round $r $b $s ops/s load $l"
  done
done
for r in 1 2 3; do
  for b in base spi; do
    l=$(cut -d' ' -f1 /proc/loadavg)
    java -jar bench-$b.jar AppendLatencyBenchmark -p durability=async -f 1 > /tmp/alb-$b-$r.txt 2>&1
    p=$(grep -E "p0.50 |p0.99 " /tmp/alb-$b-$r.txt | awk '{print $1, $(NF-1)}' | tr '\n' ' ')
    echo "append round $r $b $p load $l"
  done
done
