#!/usr/bin/env bash
# idle-strategy experiment: cluster-local per strategy, probes through leader/follower
cd /work/main
export CLUSTER_LOCAL_HTTP_PORTS=18391,18392,18393 CLUSTER_LOCAL_DIR=/tmp/cl CLUSTER_LOCAL_JAVA_OPTS="-Xms1g -Xmx1g"
ports=(18391 18392 18393)
body=$(awk 'BEGIN { printf "{\"commands\":["; for (i = 0; i < 1000; i++) printf "%s{\"type\":\"OpenAccount\",\"aggregateId\":\"wrk-%d\",\"data\":{\"currency\":\"EUR\"}}", (i ? "," : ""), i; print "]}" }')
w() { wrk -t1 -c$1 -d$2s -s benchmarks/wrk/deposit.lua http://127.0.0.1:$3/commands 2>&1 | grep WRK_RESULT; }
for spec in ${SPECS}; do s=${spec#*:}; export STRAND_JAR=${spec%%:*}
  rm -rf /tmp/cl; mkdir -p /tmp/cl
  STRAND_CLUSTER_IDLE_STRATEGY=$s scripts/cluster-local start > /dev/null 2>&1 || { echo "start failed $s"; exit 1; }
  grep -h "started (idle" /tmp/cl/node*/strand.log | head -1 | sed 's/.*started/started/'
  leader=-1; for i in 0 1 2; do r=$(curl -s 127.0.0.1:${ports[$i]}/admin/cluster | jq -r .role); [ "$r" = leader ] && leader=$i; done
  lp=${ports[$leader]}; fp=${ports[$(( (leader+1)%3 ))]}
  curl -sf 127.0.0.1:$lp/commands/batch -H 'Content-Type: application/json' -d "$body" > /dev/null
  w 21 40 $lp > /dev/null
  echo "$spec c1 leader  $(w 1 8 $lp)"
  echo "$spec c1 follower $(w 1 8 $fp)"
  echo "$spec c21 leader $(w 21 10 $lp)"
  pids=$(cat /tmp/cl/node*/pid)
  t0=0; for p in $pids; do t0=$((t0 + $(awk '{print $14+$15}' /proc/$p/stat))); done
  for p in ${ports[@]}; do w 21 10 $p > /tmp/exp-all-$p.txt & done; wait
  t1=0; for p in $pids; do t1=$((t1 + $(awk '{print $14+$15}' /proc/$p/stat))); done
  echo "$spec c21x3 all: $(cat /tmp/exp-all-*.txt | sed 's/.*rps=\([0-9.]*\) p50_us=\([0-9]*\).*/\1 \2/' | tr '\n' ' ') cpu=$(( (t1-t0) ))ticks/10s"
  scripts/cluster-local stop > /dev/null 2>&1
done
