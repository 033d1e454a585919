# shellcheck shell=bash
# Sourced by tools/qemu-run and tools/bochs-run (not run on its own).
# Gives them a private temp dir ($tmp, removed on exit) and run_group, which
# runs an emulator in its own session under a watchdog.

tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-run.XXXXXX")
child=
on_exit=:            # a launcher may add its own cleanup (e.g. restore the tty)
cleanup() {
  set +e   # a failed kill (group already gone) must not abort the cleanup
  # The emulator is in its own session, so a signal to our process group
  # does not reach it: take its whole group down here.
  [[ -z $child ]] || kill -KILL -- "-$child" 2>/dev/null
  $on_exit
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM

# run_group LIMIT CMD [ARGS...]: run CMD as the leader of a new session, so it
# and everything it forks can be killed as one group (by the watchdog, by our
# cleanup, or by a test driver). Returns CMD's status, or 124 when LIMIT
# seconds (0: no limit) ran out.
run_group() {
  local limit=$1 rc=0 i; shift
  # Without job control bash gives background commands /dev/null as stdin;
  # the explicit redirection keeps ours (serial input in QEMU's stdio mode).
  # Non-interactive bash does not make background jobs group leaders, so
  # setsid execs in place and $! is the emulator's pid = its group id.
  exec 3<&0
  setsid "$@" <&3 3<&- &
  child=$!
  exec 3<&-
  if ((limit > 0)); then
    # Poll once a second so the watchdog ends soon after the emulator does.
    ( for ((i = 0; i < limit; i++)); do sleep 1; kill -0 "$child" || exit 0; done
      touch "$tmp/timed-out"
      kill -TERM -- "-$child"; sleep 3; kill -KILL -- "-$child"
    ) </dev/null >/dev/null 2>&1 &
  fi
  wait "$child" || rc=$?
  kill -KILL -- "-$child" 2>/dev/null || true   # anything the emulator left behind
  child=
  [[ -e $tmp/timed-out ]] && rc=124
  return $rc
}
