#!/usr/bin/env bash
# Scale-out tests that need system packages: a single-node Slurm cluster (slurm-wlm + munge, started
# and stopped here) and the BOINC API libraries (libboinc-app-dev, standalone mode, no server).
# Missing packages are installed when running as root with apt; otherwise the part is skipped with
# the reason printed. Every wait is bounded. Exit status: 0 if every part that ran passed.
#
# Usage: .ci/scale-out.sh [slurm] [boinc]     (default: both)
# SCALE_OUT_PROFILE=release builds and uses the release binaries (default: the debug ones, which
# `cargo test` has already built).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
target=${CARGO_TARGET_DIR:-$repo/target}
space=$repo/tests/fixtures/units-small.toml
parts=${*:-slurm boinc}

say() { echo "scale-out: $*"; }
skip() { say "SKIP $1: $2"; }
fail() {
  say "FAIL: $*" >&2
  exit 1
}

work=$(mktemp -d)
started_pids=()
cleanup() {
  for p in "${started_pids[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  # The daemons write their state while they stop: wait (bounded) before removing it.
  for p in "${started_pids[@]:-}"; do
    for _ in $(seq 50); do
      [ -n "$p" ] && kill -0 "$p" 2>/dev/null || break
      sleep 0.1
    done
  done
  rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work"; }
}
trap cleanup EXIT

# Installs the Debian packages given unless they are all present; fails (status 1) if that is
# impossible here (not root, or no apt-get).
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "packages ${missing[*]} are missing and cannot be installed here (needs root and apt-get)"
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -qq >/dev/null || true
  timeout 600 apt-get install -y -qq "${missing[@]}" >/dev/null || {
    echo "apt-get install ${missing[*]} failed"
    return 1
  }
}

# Waits up to $2 seconds for the command $1 to succeed.
wait_for() {
  local cmd=$1 limit=$2 t=0
  until eval "$cmd"; do
    sleep 0.5
    t=$((t + 1))
    [ $t -ge $((limit * 2)) ] && return 1
  done
  return 0
}

profile=${SCALE_OUT_PROFILE:-debug}
cargo_flags=()
[ "$profile" = release ] && cargo_flags=(--release)
cargo build --quiet "${cargo_flags[@]}" --bin apery
APERY=$target/$profile/apery
[ -x "$APERY" ] || fail "no apery binary at $APERY"

# The reference: a local single-process search of the same space.
"$APERY" search "$space" --catalog "$work/reference.sqlite" -q >/dev/null
"$APERY" query --catalog "$work/reference.sqlite" --format json >"$work/reference.json"
[ "$(grep -c canonical_key "$work/reference.json")" -gt 5 ] || fail "the reference search found too little"

same_as_reference() {
  "$APERY" query --catalog "$1" --format json >"$work/got.json"
  cmp -s "$work/reference.json" "$work/got.json"
}

# ---------------------------------------------------------------------------------------------
slurm_part() {
  local why
  if ! why=$(ensure_packages slurm-wlm munge sqlite3); then
    skip slurm "$why"
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    skip slurm "munge and slurmd need root"
    return 0
  fi
  local state=$work/slurm
  mkdir -p "$state/state" "$state/spool"
  local cpus mem
  cpus=$(nproc)
  mem=$(/usr/sbin/slurmd -C 2>/dev/null | grep -o 'RealMemory=[0-9]*' | cut -d= -f2 || true)
  mem=$(((${mem:-2000} * 9) / 10))
  cat >"$state/slurm.conf" <<EOF
ClusterName=apery-test
SlurmctldHost=localhost
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$state/state
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=localhost CPUs=$cpus Sockets=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$state/slurm.conf
  # munge: as the munge user, with its run directory (no systemd here).
  mkdir -p /run/munge
  chown munge:munge /run/munge && chmod 755 /run/munge
  if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged || fail "munged did not start"
    wait_for "[ -s /run/munge/munged.pid ]" 10 || fail "munged wrote no pid file"
    started_pids+=("$(cat /run/munge/munged.pid)")
  fi
  munge -n | unmunge | grep -q 'STATUS: *Success' || fail "munge does not work"
  /usr/sbin/slurmctld || fail "slurmctld did not start"
  wait_for "[ -s $state/slurmctld.pid ]" 10 || fail "slurmctld wrote no pid file"
  started_pids+=("$(cat "$state/slurmctld.pid")")
  /usr/sbin/slurmd -N localhost || fail "slurmd did not start"
  wait_for "[ -s $state/slurmd.pid ]" 10 || fail "slurmd wrote no pid file"
  started_pids+=("$(cat "$state/slurmd.pid")")
  wait_for "sinfo -h -o %T 2>/dev/null | grep -q idle" 30 || fail "the node never became idle: $(tail -5 "$state/slurmd.log")"
  say "slurm: single-node cluster up ($cpus CPUs)"

  job_state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }
  job_done() { case "$(job_state "$1")" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) return 0 ;; *) return 1 ;; esac }

  # 1. The array plus the merge job; the catalog must equal the local run.
  local run=$work/run1 ids aid mid
  ids=$("$APERY" slurm "$space" --run-dir "$run" --units 4 --cpus-per-task 1 --block-size 256 --submit)
  aid=$(echo "$ids" | awk '{print $3}' | tr -d ,)
  mid=$(echo "$ids" | awk '{print $6}')
  say "slurm: submitted array $aid and merge $mid"
  wait_for "job_done $mid" 240 || fail "merge job $mid did not finish: $(job_state "$mid")"
  [ "$(job_state "$mid")" = COMPLETED ] || fail "merge job $mid: $(job_state "$mid"); $(cat "$run"/logs/merge_* 2>/dev/null)"
  same_as_reference "$run/catalog.sqlite" || fail "the Slurm catalog differs from the local search"
  say "slurm: array + merge gives the catalog of the local search"

  # 2. One task fails: the merge is cancelled; rerunning the missing index and a new merge complete it.
  run=$work/run2
  "$APERY" slurm "$space" --run-dir "$run" --units 4 --cpus-per-task 1 --block-size 256 >/dev/null
  cp "$run/units/000002.unit" "$work/000002.unit.good"
  echo "not a unit" >"$run/units/000002.unit"
  ids=$(bash "$run/submit.sh")
  aid=${ids% *}
  mid=${ids#* }
  wait_for "job_done $mid" 240 || fail "merge job $mid of the failing run was not cancelled: $(job_state "$mid")"
  [ "$(job_state "$mid")" = CANCELLED ] || fail "merge job $mid: $(job_state "$mid"), expected CANCELLED"
  scontrol show job "$mid" | grep -q DependencyNeverSatisfied || fail "merge $mid not cancelled for its dependency"
  [ -e "$run/catalog.sqlite" ] && fail "the cancelled merge wrote a catalog"
  say "slurm: a failing task cancels the merge (DependencyNeverSatisfied)"
  cp "$work/000002.unit.good" "$run/units/000002.unit"
  "$APERY" merge --catalog "$run/catalog.sqlite" "$run/results" >/dev/null # partial merge: safe
  local missing
  missing=$("$APERY" status --catalog "$run/catalog.sqlite" --missing --units "$run/units")
  [ "$missing" = 2 ] || fail "status --missing says '$missing', expected 2"
  ids=$(bash "$run/submit.sh" "$missing")
  mid=${ids#* }
  wait_for "job_done $mid" 240 || fail "the second merge $mid did not finish"
  [ "$(job_state "$mid")" = COMPLETED ] || fail "second merge $mid: $(job_state "$mid"); $(cat "$run"/logs/merge_"$mid".log 2>/dev/null)"
  "$APERY" merge --require-complete --catalog "$run/catalog.sqlite" "$run/results" >/dev/null || fail "not complete after the rerun"
  same_as_reference "$run/catalog.sqlite" || fail "the rerun catalog differs from the local search"
  say "slurm: rerunning the missing index and merging completes the catalog"

  # 3. A task killed after its checkpoint resumes from it when its index is rerun. Dynamics units
  #    (the metrics of `apery dynamics`, a few seconds per unit) checkpoint after every block; task
  #    0 is cancelled once its checkpoint exists, the merge is cancelled with it, and the rerun of
  #    index 0 says it resumed. The merged metrics table equals the local `apery dynamics` run.
  local dyn=$repo/search-spaces/dynamics-small.toml depth=2000
  run=$work/run3
  "$APERY" slurm "$dyn" --stage dynamics --depth $depth --run-dir "$run" --units 2 --cpus-per-task 1 \
    --block-size 128 --checkpoint-secs 0 >/dev/null
  local uid ck
  uid=$("$APERY" unit show "$run/units/000000.unit" | grep '"unit_id"' | cut -d'"' -f4)
  ck=$run/ckpt/$uid.ckpt
  ids=$(bash "$run/submit.sh")
  aid=${ids% *}
  mid=${ids#* }
  local t=0
  until [ -s "$ck" ]; do
    sleep 0.1
    t=$((t + 1))
    [ $t -le 1200 ] || fail "task ${aid}_0 wrote no checkpoint: $(job_state "${aid}_0")"
  done
  scancel "${aid}_0"
  wait_for "job_done ${aid}_0" 60 || fail "task ${aid}_0 did not stop"
  [ "$(job_state "${aid}_0")" = CANCELLED ] || fail "task ${aid}_0: $(job_state "${aid}_0") (it finished before the cancel?)"
  [ -e "$run/results/000000.result" ] && fail "the cancelled task wrote a result"
  [ -s "$ck" ] || fail "the cancelled task left no checkpoint"
  wait_for "job_done $mid" 240 || fail "merge $mid after the cancelled task: $(job_state "$mid")"
  [ "$(job_state "$mid")" = CANCELLED ] || fail "merge $mid: $(job_state "$mid"), expected CANCELLED"
  say "slurm: task ${aid}_0 cancelled after its checkpoint; the merge was cancelled"
  wait_for "job_done ${aid}_1" 240 || fail "task ${aid}_1 did not finish"
  "$APERY" merge --catalog "$run/catalog.sqlite" "$run/results" >/dev/null # partial merge: safe
  missing=$("$APERY" status --catalog "$run/catalog.sqlite" --missing --units "$run/units")
  [ "$missing" = 0 ] || fail "status --missing says '$missing', expected 0"
  ids=$(bash "$run/submit.sh" "$missing")
  aid=${ids% *}
  mid=${ids#* }
  wait_for "job_done $mid" 300 || fail "the merge $mid after the rerun did not finish"
  [ "$(job_state "$mid")" = COMPLETED ] || fail "merge $mid: $(job_state "$mid"); $(cat "$run"/logs/merge_"$mid".log 2>/dev/null)"
  grep -q "resuming unit $uid from its checkpoint" "$run/logs/unit_${aid}_0.log" ||
    fail "the rerun did not resume: $(cat "$run/logs/unit_${aid}_0.log")"
  say "slurm: rerun task ${aid}_0: $(grep -o 'resuming unit.*' "$run/logs/unit_${aid}_0.log")"
  "$APERY" dynamics "$dyn" --depth $depth --catalog "$work/dyn-reference.sqlite" -q >/dev/null
  local q="SELECT space_hash, depth, idx, space, a, b, canonical_key, json FROM metrics ORDER BY idx"
  sqlite3 "$work/dyn-reference.sqlite" "$q" >"$work/dyn-reference.txt"
  sqlite3 "$run/catalog.sqlite" "$q" >"$work/dyn-got.txt"
  [ "$(wc -l <"$work/dyn-reference.txt")" -gt 10000 ] || fail "the local dynamics run has too few rows"
  cmp -s "$work/dyn-reference.txt" "$work/dyn-got.txt" || fail "the resumed Slurm metrics differ from the local run"
  say "slurm: the resumed run's metrics table equals the local apery dynamics run"

  for f in slurmd slurmctld; do
    kill "$(cat "$state/$f.pid")" 2>/dev/null || true
  done
  say "slurm: PASS"
}

# ---------------------------------------------------------------------------------------------
boinc_part() {
  local why
  if ! why=$(ensure_packages libboinc-app-dev); then
    skip boinc "$why"
    return 0
  fi
  cargo build --quiet "${cargo_flags[@]}" --features boinc --bin apery-boinc || fail "apery-boinc does not build"
  local app=$target/$profile/apery-boinc
  local d=$work/boinc
  mkdir -p "$d"
  "$APERY" split "$space" --units 3 --block-size 64 --out "$d/units" 2>/dev/null
  "$APERY" run-unit "$d/units/000001.unit" --result "$d/plain.result" 2>/dev/null

  # A standalone run as the client would start it: logical names through <soft_link> files.
  mkdir -p "$d/ok/slot" "$d/ok/proj"
  cp "$d/units/000001.unit" "$d/ok/proj/wu_1.unit"
  echo '<soft_link>../proj/wu_1.unit</soft_link>' >"$d/ok/slot/unit"
  echo '<soft_link>../proj/wu_1_0.result</soft_link>' >"$d/ok/slot/result"
  local rc=0
  (cd "$d/ok/slot" && timeout 300 "$app" --checkpoint-every-blocks 2) || rc=$?
  [ $rc -eq 0 ] || fail "apery-boinc exited $rc: $(cat "$d/ok/slot/stderr.txt")"
  [ "$(cat "$d/ok/slot/boinc_finish_called" 2>/dev/null)" = 0 ] || fail "boinc_finish_called is not 0"
  grep -q standalone "$d/ok/slot/stderr.txt" || fail "stderr.txt has no standalone line"
  cmp -s "$d/ok/proj/wu_1_0.result" "$d/plain.result" || fail "the BOINC result differs from run-unit's"
  say "boinc: standalone run gives the result of run-unit, byte for byte"

  # A dynamics unit, killed (SIGKILL) after a checkpoint and started again in its slot, as the
  # client does after a reboot: it resumes and its result equals run-unit's.
  local dyn=$repo/search-spaces/dynamics-small.toml
  "$APERY" split "$dyn" --stage dynamics --units 4 --block-size 64 --out "$d/dyn-units" 2>/dev/null
  "$APERY" run-unit "$d/dyn-units/000001.unit" --result "$d/dyn-plain.result" 2>/dev/null
  local duid
  duid=$("$APERY" unit show "$d/dyn-units/000001.unit" | grep '"unit_id"' | cut -d'"' -f4)
  mkdir -p "$d/dyn/slot" "$d/dyn/proj"
  cp "$d/dyn-units/000001.unit" "$d/dyn/proj/wu_d.unit"
  echo '<soft_link>../proj/wu_d.unit</soft_link>' >"$d/dyn/slot/unit"
  echo '<soft_link>../proj/wu_d_0.result</soft_link>' >"$d/dyn/slot/result"
  (cd "$d/dyn/slot" && exec "$app" --checkpoint-every-blocks 1) &
  local bpid=$! t=0
  until [ -s "$d/dyn/slot/$duid.ckpt" ]; do
    sleep 0.05
    t=$((t + 1))
    [ $t -le 2400 ] || fail "apery-boinc wrote no checkpoint"
  done
  kill -9 $bpid 2>/dev/null || true
  wait $bpid 2>/dev/null || true
  [ -e "$d/dyn/proj/wu_d_0.result" ] && fail "apery-boinc finished before it could be killed"
  rc=0
  (cd "$d/dyn/slot" && timeout 300 "$app") || rc=$?
  [ $rc -eq 0 ] || fail "the restarted apery-boinc exited $rc: $(cat "$d/dyn/slot/stderr.txt")"
  grep -q "resuming unit $duid" "$d/dyn/slot/stderr.txt" || fail "the restarted app did not resume"
  cmp -s "$d/dyn/proj/wu_d_0.result" "$d/dyn-plain.result" || fail "the resumed BOINC dynamics result differs from run-unit's"
  say "boinc: a dynamics unit killed after a checkpoint resumes in its slot; result equals run-unit's"

  # The error path: a malformed unit.
  mkdir -p "$d/bad/slot" "$d/bad/proj"
  echo garbage >"$d/bad/proj/wu_2.unit"
  echo '<soft_link>../proj/wu_2.unit</soft_link>' >"$d/bad/slot/unit"
  echo '<soft_link>../proj/wu_2_0.result</soft_link>' >"$d/bad/slot/result"
  rc=0
  (cd "$d/bad/slot" && timeout 60 "$app") || rc=$?
  [ $rc -ne 0 ] || fail "a malformed unit exited 0"
  [ "$(cat "$d/bad/slot/boinc_finish_called" 2>/dev/null)" = "$rc" ] || fail "boinc_finish_called does not hold $rc"
  grep -q "bad magic" "$d/bad/slot/stderr.txt" || fail "stderr.txt does not say why"
  say "boinc: a malformed unit ends with boinc_finish($rc) and a reason in stderr.txt"

  # Validator and assimilator commands on good and bad results.
  local good=$d/ok/proj/wu_1_0.result bad=$d/bad.result
  cp "$good" "$bad"
  printf 'x' | dd of="$bad" bs=1 seek=60 conv=notrunc 2>/dev/null
  "$APERY" boinc check-result "$good" || fail "check-result rejects a good result"
  rc=0
  "$APERY" boinc check-result "$bad" 2>/dev/null || rc=$?
  [ $rc -ne 0 ] && [ $rc -ne 3 ] || fail "check-result on a bad result exited $rc"
  rc=0
  "$APERY" boinc check-result "$d/absent.result" 2>/dev/null || rc=$?
  [ $rc -eq 3 ] || fail "check-result on an unreadable file exited $rc, expected 3"
  "$APERY" boinc compare-results "$good" "$d/plain.result" || fail "equal results compare unequal"
  "$APERY" boinc compare-results "$good" "$bad" 2>/dev/null && fail "a bad result compares equal"
  "$APERY" boinc templates --out "$d/project" --units "$d/units" --inbox "$d/inbox" 2>/dev/null
  local wu
  wu=$("$APERY" unit show "$d/units/000001.unit" | grep '"unit_id"' | cut -d'"' -f4)
  APERY=$APERY "$d/project/bin/apery_collect" "$wu" "$good" || fail "apery_collect failed"
  APERY=$APERY "$d/project/bin/apery_collect" --error 7 "ap-failed-0-1" 1 0 || fail "apery_collect --error failed"
  [ -f "$d/inbox/ap-failed-0-1.failed" ] || fail "no .failed marker"
  "$APERY" merge --catalog "$d/catalog.sqlite" "$d/inbox" >/dev/null || fail "merging the inbox failed"
  say "boinc: validator and assimilator commands behave on good and bad results"
  say "boinc: PASS"
}

for p in $parts; do
  case $p in
  slurm) slurm_part ;;
  boinc) boinc_part ;;
  *) fail "unknown part $p" ;;
  esac
done
say "done"
