#!/usr/bin/env bash
# A three-node RabbitMQ cluster on this machine, beside the broker on 5672 (which it leaves alone), for the
# cluster tests: nodes c1@localhost, c2@localhost, c3@localhost on AMQP ports 5681-5683.
#
#   scripts/rabbitmq-cluster.sh start         start the three nodes (if not running) and join c2, c3 to c1
#   scripts/rabbitmq-cluster.sh stop          stop every node and delete their data
#   scripts/rabbitmq-cluster.sh status        print the cluster status as c1 sees it
#   scripts/rabbitmq-cluster.sh kill N        SIGKILL node cN's Erlang VM (a crash: no clean shutdown)
#   scripts/rabbitmq-cluster.sh restart N     start node cN again after a kill or a stop
#   scripts/rabbitmq-cluster.sh stop-node N   stop node cN cleanly (rabbitmqctl stop)
#
# Each node has its own name, ports, data, logs, pid file, plugins file and config file (the system config pins
# listener 5672, so each node gets a config with its own listener). The folders belong to the rabbitmq user, as
# the server script runs as it. COURIER_CLUSTER_DIR moves them (default /tmp/courier-rabbitmq-cluster).
set -uo pipefail

BASE=${COURIER_CLUSTER_DIR:-/tmp/courier-rabbitmq-cluster}
NODES=(1 2 3)

node_env() { # N -> environment for node cN
  local n=$1 dir="$BASE/c$1"
  echo "RABBITMQ_NODENAME=c$n@localhost RABBITMQ_NODE_PORT=$((5680 + n)) RABBITMQ_DIST_PORT=$((25680 + n))" \
       "RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log RABBITMQ_PID_FILE=$dir/c$n.pid" \
       "RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf" \
       "RABBITMQ_ADVANCED_CONFIG_FILE=$dir/advanced.config"
}

ctl() { # N args...
  local n=$1; shift
  rabbitmqctl -q -n "c$n@localhost" "$@"
}

running() { # N
  ctl "$1" status >/dev/null 2>&1
}

prepare() { # N
  local n=$1 dir="$BASE/c$1"
  mkdir -p "$dir/mnesia" "$dir/log"
  echo "listeners.tcp.local = 127.0.0.1:$((5680 + n))" > "$dir/rabbitmq.conf"
  echo "loopback_users = none" >> "$dir/rabbitmq.conf"
  echo "[]." > "$dir/enabled_plugins"
  echo "[]." > "$dir/advanced.config"
  chown -R rabbitmq:rabbitmq "$dir" 2>/dev/null || true
}

start_node() { # N
  local n=$1
  if running "$n"; then return 0; fi
  prepare "$n"
  # shellcheck disable=SC2046
  env $(node_env "$n") rabbitmq-server -detached >>"$BASE/c$n/start.log" 2>&1
  # await_startup fails at once while the VM is not yet reachable, so ask again until the deadline
  local deadline=$((SECONDS + 120))
  until rabbitmqctl -q -n "c$n@localhost" await_startup --timeout 60 >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "cluster: node c$n did not start; see $BASE/c$n/log and $BASE/c$n/start.log" >&2
      return 1
    fi
    sleep 1
  done
}

joined() { # N: c1 lists cN as a running node
  ctl 1 cluster_status --formatter json 2>/dev/null | grep -q "\"running_nodes\":\[[^]]*c$1@localhost"
}

case "${1:-}" in
  start)
    mkdir -p "$BASE"
    for n in "${NODES[@]}"; do start_node "$n" || exit 1; done
    for n in 2 3; do
      if ! joined "$n"; then
        { ctl "$n" stop_app && ctl "$n" reset && ctl "$n" join_cluster c1@localhost && ctl "$n" start_app; } \
          >>"$BASE/join.log" 2>&1 || { echo "cluster: c$n could not join c1; see $BASE/join.log" >&2; exit 1; }
      fi
    done
    for n in "${NODES[@]}"; do
      joined "$n" || { echo "cluster: c$n is not running in the cluster" >&2; exit 1; }
    done
    echo "cluster: c1, c2, c3 running on 127.0.0.1:5681-5683"
    ;;
  stop)
    for n in "${NODES[@]}"; do
      ctl "$n" stop >/dev/null 2>&1 || true
      pid=$(cat "$BASE/c$n/c$n.pid" 2>/dev/null) && kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$BASE"
    echo "cluster: stopped"
    ;;
  status)
    ctl 1 cluster_status
    ;;
  kill)
    n=${2:?node number}
    pid=$(ctl "$n" eval 'os:getpid().' 2>/dev/null | tr -dc '0-9')
    [ -n "$pid" ] || { echo "cluster: c$n is not running" >&2; exit 1; }
    kill -9 "$pid"
    echo "cluster: c$n (pid $pid) killed"
    ;;
  stop-node)
    n=${2:?node number}
    ctl "$n" stop >/dev/null
    echo "cluster: c$n stopped"
    ;;
  restart)
    n=${2:?node number}
    start_node "$n" || exit 1
    echo "cluster: c$n running again"
    ;;
  *)
    echo "usage: $0 start|stop|status|kill N|stop-node N|restart N" >&2
    exit 2
    ;;
esac
