#!/usr/bin/env bash
# per-thread CPU of the three members during 20 s of load (TARGET leader|all)
cd /work/main
export CLUSTER_LOCAL_HTTP_PORTS=18391,18392,18393 CLUSTER_LOCAL_DIR=/tmp/cl CLUSTER_LOCAL_JAVA_OPTS="-Xms1g -Xmx1g" STRAND_JAR=/work/exp/new.jar
ports=(18391 18392 18393)
body=$(awk 'BEGIN { printf "{\"commands\":["; for (i = 0; i < 1000; i++) printf "%s{\"type\":\"OpenAccount\",\"aggregateId\":\"wrk-%d\",\"data\":{\"currency\":\"EUR\"}}", (i ? "," : ""), i; print "]}" }')
w() { wrk -t1 -c$1 -d$2s -s benchmarks/wrk/deposit.lua http://127.0.0.1:$3/commands 2>&1 | grep WRK_RESULT; }
snap() { for f in /tmp/cl/node*/pid; do p=$(cat $f); n=$(basename $(dirname $f)); for t in /proc/$p/task/*; do echo "$n $(cat $t/comm | tr ' ' _) $(awk '{print $14+$15}' $t/stat)"; done; done | sort; }
rm -rf /tmp/cl; mkdir -p /tmp/cl
scripts/cluster-local start > /dev/null 2>&1 || exit 1
leader=-1; for i in 0 1 2; do r=$(curl -s 127.0.0.1:${ports[$i]}/admin/cluster | jq -r .role); [ "$r" = leader ] && leader=$i; done
echo "leader node$leader"
lp=${ports[$leader]}
curl -sf 127.0.0.1:$lp/commands/batch -H 'Content-Type: application/json' -d "$body" > /dev/null
w 21 30 $lp > /dev/null
snap > /tmp/s0; sleep 1; snap > /tmp/s1
echo "== idle 1 s"; join -j1 <(awk '{print $1":"$2, $3}' /tmp/s0 | sort | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort) <(awk '{print $1":"$2, $3}' /tmp/s1 | sort | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort) | awk '{d=$3-$2; if (d>2) print d, $1}' | sort -rn | head -30
snap > /tmp/s0; w 21 20 $lp; snap > /tmp/s1
echo "== leader load 20 s"; join -j1 <(awk '{print $1":"$2, $3}' /tmp/s0 | sort | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort) <(awk '{print $1":"$2, $3}' /tmp/s1 | sort | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort) | awk '{d=$3-$2; t+=d; if (d>5) print d, $1} END {print t, "TOTAL"}' | sort -rn | head -40
echo "== leader c63 20 s"; w 63 20 $lp
snap > /tmp/s0; for p in ${ports[@]}; do w 21 20 $p > /tmp/exp-all-$p.txt & done; wait; snap > /tmp/s1
echo "== all c21x3 20 s: $(cat /tmp/exp-all-*.txt | sed 's/.*rps=\([0-9.]*\) p50_us=\([0-9]*\).*/\1 \2/' | tr '\n' ' ')"; join -j1 <(awk '{print $1":"$2, $3}' /tmp/s0 | sort | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort) <(awk '{print $1":"$2, $3}' /tmp/s1 | sort | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort) | awk '{d=$3-$2; t+=d; if (d>5) print d, $1} END {print t, "TOTAL"}' | sort -rn | head -40
scripts/cluster-local stop > /dev/null 2>&1
