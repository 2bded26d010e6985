#!/usr/bin/env bash
# Starts PostgreSQL (with wal_level=logical for the change consumer) and NATS JetStream on this
# machine when they are down. Idempotent: a running service is left alone.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done; return 1; }

if ! port_open 5432; then
  echo "services-up: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  wait_port 5432 || echo "services-up: PostgreSQL did not come up" >&2
fi
if port_open 5432; then
  level=$(psql -h 127.0.0.1 -U postgres -Atc 'show wal_level' 2>/dev/null || echo unknown)
  if [ "$level" != "logical" ] && [ "$level" != "unknown" ]; then
    echo "services-up: switching PostgreSQL to wal_level=logical"
    psql -h 127.0.0.1 -U postgres -qc 'ALTER SYSTEM SET wal_level = logical' &&
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main restart
    wait_port 5432 || echo "services-up: PostgreSQL did not come back" >&2
  fi
fi
if ! port_open 4222; then
  echo "services-up: starting NATS JetStream"
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_port 4222 || echo "services-up: NATS did not come up" >&2
fi
exit 0
