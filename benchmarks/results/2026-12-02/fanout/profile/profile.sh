#!/usr/bin/env bash
# profile.sh JAR OUT SUBS: the gateway under strand-bench at 10k/s with SUBS subscribers, JFR + per-thread CPU
set -u
JAR=$1; OUT=$2; SUBS=${3:-8}
mkdir -p "$OUT"; data=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
java -Xlog:gc:file=$OUT/gc.log -jar $JAR --port $port --data-dir $data --durability async --min-free-bytes 0 > $OUT/gateway.log 2>&1 &
gw=$!
for _ in $(seq 1 150); do curl -sf 127.0.0.1:$port/health/ready >/dev/null && break; sleep 0.2; done
java -jar /tmp/fanout-jars/strand-bench.jar run --url http://127.0.0.1:$port --rate ${RATE:-3000} --duration 10s --warmup 5s --accounts 1000 --subscribers 2 --progress 0 --out $OUT/jit > $OUT/jit.log 2>&1
snap() { for t in /proc/$gw/task/*; do echo "$(cat $t/comm | tr ' ' '_')_$(basename $t) $(awk '{print $14+$15}' $t/stat)"; done | sort > $1; }
jcmd $gw JFR.start name=p settings=profile filename=$OUT/run.jfr > /dev/null
snap $OUT/cpu0; t0=$(date +%s.%N)
java -jar /tmp/fanout-jars/strand-bench.jar run --url http://127.0.0.1:$port --rate ${RATE:-3000} --duration 20s --warmup 5s --accounts 1000 --subscribers $SUBS --progress 0 --out $OUT/run > $OUT/run.log 2>&1
snap $OUT/cpu1; t1=$(date +%s.%N)
jcmd $gw JFR.stop name=p > /dev/null
kill $gw; wait $gw 2>/dev/null; rm -rf $data
# per-thread CPU (% of one core) over the run, threads of the same name summed
join -a2 -e0 -o 0,1.2,2.2 $OUT/cpu0 $OUT/cpu1 2>/dev/null | awk -v s="$(echo "$t1 - $t0" | bc)" '{ d[$1] += ($3 - $2) } END { for (k in d) if (d[k] > 0) printf "%-40s %6.1f%%\n", k, d[k] / s }' | sort -k2 -nr | head -25 > $OUT/threads.txt
echo "load $(cat /proc/loadavg)" >> $OUT/threads.txt
