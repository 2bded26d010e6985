#!/bin/bash
# Runs a command and samples, once a second, the CPU time of every thread of the processes whose
# command line names bench/sources.ts and of every process of the postgres user, from /proc.
# Prints, at the end, the CPU seconds each node thread used (its last sample) and each server process
# used while the command ran (last sample less first):
#   bench/sources/proc-cpu.sh node --import tsx bench/sources.ts backlog --mode replication
# (the load phase is included: the loading backend shows up as its own process).
set -u
log=$(mktemp -d)
"$@" &
pid=$!
round=0
ticks() { local s r; s=$(cat "$1" 2>/dev/null) || return 1; r=${s##*) }; set -- $r; echo $((${12} + ${13})); }
while kill -0 $pid 2>/dev/null; do
  for p in $(pgrep -f '^node .*bench/sources.ts'); do
    for t in /proc/$p/task/*; do
      n=$(ticks $t/stat) && echo "$p/${t##*/} $n $(cat $t/comm 2>/dev/null)"
    done
  done > "$log/threads.$SECONDS"
  for p in $(pgrep -u postgres); do
    n=$(ticks /proc/$p/stat) && echo "$round $p $n $(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | cut -c1-80)"
  done >> "$log/server"
  round=$((round + 1))
  sleep 1
done
wait $pid
rc=$?
echo "-- node threads (CPU s; the process's last sample)"
last=$(ls -t "$log"/threads.* 2>/dev/null | sed -n 2p)
[ -n "$last" ] && sort -k2 -n -r "$last" | awk '$2 > 0 { printf "%7.2f %s %s\n", $2 / 100, $1, $3 }'
echo "-- server processes (CPU s while the command ran)"
# A process started after the first sample counts from zero.
awk '{ p = $2; if (!(p in first)) first[p] = $1 == 0 ? $3 : 0; t[p] = $3; $1 = $2 = $3 = ""; n[p] = p $0 }
  END { for (p in t) if (t[p] > first[p]) printf "%7.2f %s\n", (t[p] - first[p]) / 100, n[p] }' "$log/server" | sort -rn
rm -rf "$log"
exit $rc
