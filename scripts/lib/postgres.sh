# Sourced by scripts/test and scripts/bench.
#
# start_throwaway_postgres: starts a PostgreSQL cluster in a temporary
# directory (fsync off: it holds nothing worth keeping), stops and removes it
# when the calling script exits, and sets throwaway_postgres_url.
start_throwaway_postgres() {
  local bin dir port=55432 runas=()
  bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
  dir=$(mktemp -d /tmp/roster-pg.XXXXXX)
  # PostgreSQL refuses to run as root.
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres "$dir"
    runas=(runuser -u postgres --)
  fi
  printf '\033[1m==> %s\033[0m\n' "Starting a throwaway PostgreSQL cluster in $dir"
  "${runas[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust >/dev/null
  "${runas[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  # shellcheck disable=SC2064 # expand now: the variables are local
  trap "${runas[*]} $bin/pg_ctl -D $dir/data -m immediate stop >/dev/null; rm -rf $dir" EXIT
  throwaway_postgres_url="postgres://postgres@127.0.0.1:$port/postgres"
}
