# Shell functions the bench scripts share; sourced, not run. They use
# `server_pid` (the server a script started last) and `root` (the repo).

# Refuses an output folder that already holds files: servers keep their
# databases there, and a reused folder would start them on an earlier run's
# data and skew every figure.
require_empty_out() { # dir
  if [ -n "$(ls -A "$1" 2>/dev/null)" ]; then
    echo "$0: $1 is not empty; give a new folder to --out" >&2
    exit 2
  fi
  mkdir -p "$1"
}

# A random port nothing listens on, below the ephemeral range (32768+) that
# the benchmark's client sockets take.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

wait_healthy() { # port
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server on port $1 did not come up" >&2
  return 1
}

stop_server() {
  if [ -n "${server_pid:-}" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}

# Starts a wind-server (BUILD_DIR's unless SERVER_BIN names one) with
# BUILD_DIR's plugins on CPU 0 with bench/wind-bench.yaml.in, its data and
# log in DATA, and waits until it answers.
start_wind_server() { # build_dir data port sync [server_bin]
  mkdir -p "$2"
  sed -e "s#@PORT@#$3#g" -e "s#@DATA@#$2#g" -e "s#@SYNC@#$4#g" \
      -e "s#@PLUGINS@#$1/plugins-out#g" "$root/bench/wind-bench.yaml.in" >"$2/wind.yaml"
  taskset -c 0 "${5:-$1/core/wind-server}" -c "$2/wind.yaml" >"$2/server.log" 2>&1 &
  server_pid=$!
  wait_healthy "$3"
}
