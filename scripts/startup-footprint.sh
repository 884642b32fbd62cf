#!/usr/bin/env bash
# Start-up time and memory of the tasks API: the plain sample (TaskApiMain, COURIER_MODE=rabbitmq) next to the Spring
# Boot sample (TasksBootApplication), both on the RabbitMQ and PostgreSQL of this machine, each started ROUNDS times.
# Prints, per run, the milliseconds from launching the JVM to the application's "ready" line and the resident memory
# (RSS) and heap in use right then; then the medians. Needs a build first: mvn -q install -DskipTests. Afterwards it
# removes what the two samples created (their queues, exchanges and tables), with rabbitmqctl and psql.
#   scripts/startup-footprint.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
mvn -q -o dependency:build-classpath -pl samples -Dmdep.outputFile=target/plain-classpath.txt >/dev/null
mvn -q -o dependency:build-classpath -pl samples-spring-boot -Dmdep.outputFile=target/boot-classpath.txt >/dev/null
plain_cp="samples/target/classes:$(cat samples/target/plain-classpath.txt)"
boot_cp="samples-spring-boot/target/classes:$(cat samples-spring-boot/target/boot-classpath.txt)"

# measure NAME READY_PATTERN CLASSPATH MAIN [ARGS...]: one start, prints "NAME ms rss_mib heap_mib"
measure() {
  local name=$1 ready=$2 cp=$3 main=$4; shift 4
  local log; log=$(mktemp)
  local start; start=$(date +%s%N)
  COURIER_MODE=rabbitmq TASKS_HTTP_PORT=0 java -cp "$cp" "$main" "$@" >"$log" 2>&1 &
  local pid=$!
  local deadline=$((SECONDS + 60))
  until grep -q "$ready" "$log"; do
    if [ $SECONDS -gt $deadline ] || ! kill -0 $pid 2>/dev/null; then
      echo "$name did not start:" >&2; cat "$log" >&2; kill $pid 2>/dev/null || true; exit 1
    fi
    sleep 0.05
  done
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  local rss_kib; rss_kib=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  local heap_kib; heap_kib=$(jcmd $pid GC.heap_info 2>/dev/null | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {print $(i+1); exit}}' | tr -d 'K')
  kill $pid; wait $pid 2>/dev/null || true
  rm -f "$log"
  echo "$name $ms $((rss_kib / 1024)) $((${heap_kib:-0} / 1024))"
}

results=$(mktemp)
for round in $(seq "$rounds"); do
  measure plain "Task API on http" "$plain_cp" dev.courier.samples.tasks.TaskApiMain | tee -a "$results"
  measure boot "Started TasksBootApplication" "$boot_cp" dev.courier.samples.boot.TasksBootApplication \
      --server.port=0 --courier.rabbitmq.exchange=courier-footprint --courier.outbox.table=footprint_outbox \
      | tee -a "$results"
done
echo "medians over $rounds rounds (ms to ready, RSS MiB, heap used MiB):"
for name in plain boot; do
  awk -v n=$name '$1 == n {ms[++c]=$2; rss[c]=$3; heap[c]=$4}
    END {asort(ms); asort(rss); asort(heap); m=int((c+1)/2); printf "  %-6s %6d ms %5d MiB RSS %5d MiB heap\n", n, ms[m], rss[m], heap[m]}' "$results"
done
rm -f "$results"

# What the samples declared and created: the plain one on exchange "courier" (queue task.reminder, tables tasks_outbox
# and task_reminders), the Boot one on exchange "courier-footprint" (queue task-reminders, its two tables).
for queue in task.reminder task.reminder.dead-letters task-reminders task-reminders.dead-letters; do
  rabbitmqctl -q delete_queue "$queue" >/dev/null 2>&1 || true
done
for name in $(rabbitmqctl -q list_queues name 2>/dev/null | grep -E '^courier-footprint|^courier\.reply\.'); do
  rabbitmqctl -q delete_queue "$name" >/dev/null 2>&1 || true
done
for name in $(rabbitmqctl -q list_exchanges name 2>/dev/null | grep -E '^courier-footprint'); do
  rabbitmqctl -q eval "rabbit_exchange:delete(rabbit_misc:r(<<\"/\">>, exchange, <<\"$name\">>), false, <<\"footprint\">>)." \
      >/dev/null 2>&1 || true
done
psql -q -h 127.0.0.1 -U postgres test \
    -c "DROP TABLE IF EXISTS tasks_outbox, task_reminders, footprint_outbox, boot_task_reminders" >/dev/null 2>&1 || true
