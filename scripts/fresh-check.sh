#!/usr/bin/env bash
# Runs README's two commands the way a new user would: on a minimal Debian 12 root (debootstrap
# --variant=minbase bookworm: no compiler, CMake, git or Node.js), with the repository cloned to
# /root/project, as root. Run it when install steps change (scripts/install-deps.sh, test clients,
# build options); it is too slow for CI (the test command's full run is most of CI's time).
#
#   sudo bash scripts/fresh-check.sh            # both commands
#   QABOT_FRESH_SKIP_TEST=1 bash scripts/fresh-check.sh   # the first command only
#
# 1. `bash scripts/run.sh` must serve GET /healthz within QABOT_FRESH_RUN_TIMEOUT seconds (default
#    2400: a first build on a busy 2-core machine takes 15 min and more); the server is then stopped.
# 2. `bash scripts/test.sh` must exit 0 (every stage: build, tests, ASan, fuzz).
# The clone is of the committed HEAD (uncommitted changes are not in it). ../shared, when it exists,
# is copied beside the clone as CI has it. The minimal root is cached in QABOT_FRESH_CACHE (default
# /var/cache/qabot-fresh); each run works on a fresh copy in a temporary directory, removed at the end
# unless QABOT_FRESH_KEEP=1. Logs: $QABOT_FRESH_CACHE/logs/run.log and test.log (kept).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
cache=${QABOT_FRESH_CACHE:-/var/cache/qabot-fresh}
run_timeout=${QABOT_FRESH_RUN_TIMEOUT:-2400}
mirror=${QABOT_FRESH_MIRROR:-http://deb.debian.org/debian}

die() { echo "fresh-check: $*" >&2; exit 2; }
[[ $EUID == 0 ]] || die "needs root (debootstrap, chroot and mounts)"
git -C "$repo" rev-parse HEAD >/dev/null 2>&1 || die "$repo is not a git checkout"

need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

base=$cache/bookworm-minbase.tar
if [[ ! -f $base ]]; then
  echo "fresh-check: building a minimal Debian 12 root (cached in $base)"
  mkdir -p "$cache"
  staging=$(mktemp -d "$cache/staging.XXXXXX")
  debootstrap --variant=minbase bookworm "$staging" "$mirror"
  chmod 755 "$staging"  # mktemp made it 0700, and it becomes the root's "/"
  tar -C "$staging" -cf "$base.part" .
  rm -rf "$staging"
  mv "$base.part" "$base"
fi

work=$(mktemp -d /var/tmp/qabot-fresh.XXXXXX)
root=$work/root
logs=$cache/logs  # the last run's logs outlive its root
mkdir -p "$logs"
mounted=()
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill -- "-$server_pid" 2>/dev/null || true
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
  # Never remove a tree that still has this machine's /dev or /sys mounted inside it.
  if grep -q " $root/" /proc/mounts; then
    echo "fresh-check: something is still mounted under $root; not removing $work" >&2
  elif [[ ${QABOT_FRESH_KEEP:-0} == 1 ]]; then
    echo "fresh-check: kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

mkdir -p "$root"
tar -C "$root" -xf "$base"
# "/" of a Debian machine is 0755; a root cached by an older run of this script had 0700, which
# shut out every test that runs as nobody.
chmod 755 "$root"
git clone -q "$repo" "$root/root/project"
commit=$(git -C "$root/root/project" rev-parse --short HEAD)
if [[ -d $repo/../shared ]]; then
  cp -a "$repo/../shared" "$root/root/shared"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
# This machine's own network trust (the CA of an egress proxy that re-signs TLS, as here) belongs
# to the machine, not to the project: the fresh root gets it too, and ca-certificates adds it to the
# system bundle when install-deps.sh installs that package.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
for m in proc sys dev dev/pts; do
  mkdir -p "$root/$m"
  case $m in
    proc) mount -t proc proc "$root/proc" ;;
    sys) mount --rbind /sys "$root/sys" ;;
    dev) mount --rbind /dev "$root/dev" ;;
    dev/pts) mount -t devpts devpts "$root/dev/pts" -o newinstance,ptmxmode=0666 2>/dev/null || continue ;;
  esac
  mounted+=("$root/$m")
done
# chroot's own environment: what a root login on the fresh machine has, not this shell's.
passed=()
for var in NODE_EXTRA_CA_CERTS SSL_CERT_FILE; do  # the machine's trust settings, as above
  [[ -n ${!var:-} ]] && passed+=("$var=${!var}")
done
in_root=(chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${passed[@]}" /bin/bash -c)

port=8080
if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
  die "port $port is in use on this machine; README's first command serves there"
fi

echo "fresh-check: commit $commit in $root/root/project"
echo "==== 1. bash scripts/run.sh (waiting for /healthz, at most ${run_timeout}s)"
start=$SECONDS
setsid "${in_root[@]}" 'cd /root/project && bash scripts/run.sh' >"$logs/run.log" 2>&1 &
server_pid=$!
run_ok=0
while ((SECONDS - start < run_timeout)); do
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then run_ok=1; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 2
done
run_seconds=$((SECONDS - start))
kill -- "-$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=
tail -n 5 "$logs/run.log"
if ((run_ok)); then
  echo "fresh-check: run.sh served /healthz after ${run_seconds}s"
else
  echo "fresh-check: run.sh did NOT serve /healthz (${run_seconds}s); its log:"
  tail -n 60 "$logs/run.log"
  exit 1
fi

test_rc=0 test_seconds=0
if [[ ${QABOT_FRESH_SKIP_TEST:-0} != 1 ]]; then
  echo "==== 2. bash scripts/test.sh"
  start=$SECONDS
  "${in_root[@]}" 'cd /root/project && bash scripts/test.sh' >"$logs/test.log" 2>&1 || test_rc=$?
  test_seconds=$((SECONDS - start))
  sed -n '/^==== summary/,$p' "$logs/test.log"
  if ((test_rc)); then
    echo "---- the end of $logs/test.log"
    tail -n 80 "$logs/test.log"
  fi
fi

echo "==== fresh-check ($commit)"
echo "run.sh:  ok after ${run_seconds}s"
if [[ ${QABOT_FRESH_SKIP_TEST:-0} == 1 ]]; then
  echo "test.sh: skipped"
else
  echo "test.sh: $( ((test_rc)) && echo "FAILED (exit $test_rc)" || echo ok) after ${test_seconds}s"
fi
exit $test_rc
