#!/usr/bin/env bash
# bench/routing: Callboard's ring-all routing beside Kamailio, in one run.
#
#   bench/routing/run.sh /path/to/callboard [peer|pool|all]     (default: all)
#
# Builds nothing: give it the callboard binary (e.g. build/app/callboard).
# Two phases, each measuring Kamailio and Callboard one after the other with
# the same SIPp callers, agents and pass criteria:
#
#  peer  peer-bench's own run.sh (PEER_BENCH, used as it is, by path) with
#        TARGETS="kamailio@... callboard@...", scenario ring-all to 2 agents
#        (`sales` -> agent1, agent2), Callboard on bench/routing/bench.yaml
#        with digest REGISTER and departments from its config. Every call
#        goes to the same two agents; Callboard offers an agent one call at
#        a time, so this phase shows what happens when calls overlap.
#  pool  pool.py: the same call (ring-all to 2 agents, one answers after
#        50 ms, the other is CANCELled, 1 s hold), but each call goes to its
#        own free pair of agents out of PAIRS (gen_pool.py), so the
#        server's routing capacity is what is measured. Steps the rate up to
#        the first failure, then measures routing latency (INVITE in ->
#        first INVITE out) from a loopback capture at LAT_RATE on both
#        servers (default: half Callboard's best rate), LAT_REPEAT times,
#        each try in the server's steady state: the capture starts after
#        LAT_WARMUP_S seconds at that rate.
#        At the end Callboard's log is replayed (`callboard replay`): every
#        call must be in it, none open.
#
# Everything is bounded (SIPp -m and -timeout on every instance, a deadline
# on every wait) and every process started is stopped by PID. All traffic is
# on 127.0.0.1. Results: $WORK/summary.txt (and per-step directories).
#
# Knobs (environment):
#   WORK=/tmp/callboard-bench-routing/run-<time>   where results go
#   PEER_BENCH=/work/shared/peer-bench             peer-bench's folder (required)
#   CALLS=3000                                     calls per step (both phases; the pool
#                        phase makes a step last at least POOL_MIN_STEP_S)
#   PEER_RATES="100 200 400 ... 2800 3200 3600 4000 4800"  rates of the peer phase
#                        (peer-bench's default list, extended: Kamailio passes 2800-3600)
#   POOL_RATES="100 200 400 ... 1600 2000 2400 2800 3200 3600 4000 4800"
#   POOL_MIN_STEP_S=5    a pool step sends max(CALLS, rate x this) calls: 3000 calls
#                        at 3000 cps are a 1 s burst that the servers' socket
#                        buffers and queues absorb, not a rate they sustain
#   POOL_PAIRS_CPS=4000 POOL_SPAN_S=1.5
#                        PAIRS = POOL_PAIRS_CPS x POOL_SPAN_S: up to that rate a
#                        pair's next call comes >= 1.5 s after its previous one
#                        began (a call lasts ~1.06 s). Above it pairs overlap,
#                        which a proxy does not mind and Callboard refuses (480):
#                        keep POOL_PAIRS_CPS >= the top rate Callboard reaches. A
#                        call's routing work does not grow with the number of
#                        agents; a big pool costs start-up and registration time
#                        (6,000 pairs: 12,000 REGISTERs, ~30 s per server).
#   LAT_RATE=auto        cps of the latency steps (auto: half Callboard's best)
#   LAT_CALLS=3000 LAT_REPEAT=3
#   LAT_WARMUP_S=40      seconds each latency try runs before its capture starts:
#                        past the 32 s a SIP stack keeps a finished transaction, so
#                        the capture sees old transactions expiring as a server
#                        running all day does (0: capture from the try's start,
#                        the protocol before the fifth pass)
#   LAT_SETTLE_S=1       seconds of calls at each capture's start left out of the
#                        latency figures: a capture's first 100 ms held up to all
#                        of a try's slowest 1% (0: measured from the capture's
#                        first call, the protocol before the eighth pass)
#   DIALOG_PORT=27062    Callboard's sip.dialog_port in the pool phase (0: one port for
#                        everything, the setting before the tenth pass): its dialogs
#                        and its own requests on that port, listen.sip for new requests
#   PERF_RATES=""        pool rates whose Callboard steps run under perf record
#   CALLBOARD_ARGS=""    more options for Callboard, e.g. "--thread-nice 0"
#   KAMAILIO_NICE=""     e.g. -10: every Kamailio process at that nice (Callboard
#                        runs its SIP and actor threads at -10 by default)
#   UDP_RMEM=""          e.g. 4194304: net.core.rmem_default for this run only
#                        (restored at exit): the default receive buffer of
#                        every new UDP socket, Callboard's and SIPp's included
set -u -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-}
PHASES=${2:-all}
: "${WORK:=/tmp/callboard-bench-routing/run-$(date +%Y%m%d-%H%M%S)}"
: "${PEER_BENCH:=/work/shared/peer-bench}"
: "${CALLS:=3000}"
: "${PEER_RATES:=100 200 400 600 800 1000 1200 1400 1600 1800 2000 2400 2800 3200 3600 4000 4800}"
: "${POOL_RATES:=100 200 400 600 800 1000 1200 1400 1600 2000 2400 2800 3200 3600 4000 4800}"
: "${POOL_MIN_STEP_S:=5}"
: "${POOL_PAIRS_CPS:=4000}"
: "${POOL_SPAN_S:=1.5}"
: "${LAT_RATE:=auto}"
: "${LAT_CALLS:=3000}"
: "${LAT_REPEAT:=3}"
: "${LAT_WARMUP_S:=40}"
: "${LAT_SETTLE_S:=1}"
: "${PERF_RATES:=}"
: "${DIALOG_PORT:=27062}"
: "${UDP_RMEM:=}"
# Ports: away from tests/sip's adapter test (25060, 25070-25075, 25081-25092)
# and peer-bench's defaults, below the ephemeral range the e2e tests use.
KAM_PORT=27050
CB_PORT=27060            # bench.yaml and gen_pool.py listen here (HTTP 27088, metrics 27089)
UAC_PORT=27070 REG_PORT=27071 AGENT_BASE_PORT=27080   # SIPp: caller, REGISTER, agents (base+1, base+2)
SIP_PASS=bench-sip-pass  # bench.yaml's agents' SIP password

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# run_child CMD...: runs a phase in the background and waits for it, so that
# a SIGINT/SIGTERM to this script reaches it (by its PID) and is waited for:
# each phase stops everything it started.
CHILD=""
run_child() {
	"$@" &
	CHILD=$!
	wait "$CHILD"
	local rc=$?
	CHILD=""
	return $rc
}
on_signal() {
	log "interrupted"
	if [ -n "$CHILD" ]; then
		kill -TERM "$CHILD" 2>/dev/null
		wait "$CHILD"
	fi
	exit 130
}

# The whole body is one function, so bash has parsed all of it before it
# starts: editing this file while a run is in progress cannot change the run.
main() {
	[ -n "$BIN" ] || die "usage: $0 /path/to/callboard [peer|pool|all]"
	[ -x "$BIN" ] || die "$BIN is not an executable"
	BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
	case "$PHASES" in peer|pool|all) ;; *) die "phase must be peer, pool or all";; esac
	for c in sipp dumpcap python3; do command -v "$c" >/dev/null || die "$c not found"; done
	# The pool phase uses peer-bench's agents, registration scenario and stats.py
	# too (by path), so both phases need it.
	[ -x "$PEER_BENCH/run.sh" ] || die "no peer-bench at $PEER_BENCH (set PEER_BENCH)"
	command -v kamailio >/dev/null || die "kamailio not found (apt-get install kamailio)"
	TARGET_KAM="kamailio@127.0.0.1:$KAM_PORT"
	mkdir -p "$WORK" || die "cannot create $WORK"
	"$BIN" check-config "$HERE/bench.yaml" >/dev/null || die "$HERE/bench.yaml does not load"

	OLD_RMEM=""
	restore() {
		if [ -n "$OLD_RMEM" ]; then
			sysctl -q -w net.core.rmem_default="$OLD_RMEM" && log "net.core.rmem_default restored to $OLD_RMEM"
		fi
	}
	trap restore EXIT
	trap on_signal INT TERM
	if [ -n "$UDP_RMEM" ]; then
		OLD_RMEM=$(sysctl -n net.core.rmem_default)
		sysctl -q -w net.core.rmem_default="$UDP_RMEM" || die "cannot set net.core.rmem_default"
		log "net.core.rmem_default $OLD_RMEM -> $UDP_RMEM for this run"
	fi

	{
		echo "date: $(date -Is)"; echo "uname: $(uname -a)"; echo "nproc: $(nproc)"
		echo "cpu: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
		echo "callboard: $BIN ($(stat -c %y "$BIN"))"
		echo "kamailio: $(kamailio -v 2>/dev/null | head -1)"; echo "sipp: $(sipp -v 2>/dev/null | grep -o 'SIPp v[^ ]*')"
		echo "CALLS=$CALLS PEER_RATES=[$PEER_RATES] POOL_RATES=[$POOL_RATES] POOL_MIN_STEP_S=$POOL_MIN_STEP_S POOL_PAIRS_CPS=$POOL_PAIRS_CPS POOL_SPAN_S=$POOL_SPAN_S"
		echo "CALLBOARD_ARGS=${CALLBOARD_ARGS:-} KAMAILIO_NICE=${KAMAILIO_NICE:-} DIALOG_PORT=$DIALOG_PORT"
		echo "LAT_RATE=$LAT_RATE LAT_CALLS=$LAT_CALLS LAT_REPEAT=$LAT_REPEAT LAT_WARMUP_S=$LAT_WARMUP_S LAT_SETTLE_S=$LAT_SETTLE_S UDP_RMEM=${UDP_RMEM:-unchanged ($(sysctl -n net.core.rmem_default))}"
		echo "load: $(cat /proc/loadavg)"
	} > "$WORK/env.txt"
	log "work dir $WORK"

	rc=0
	if [ "$PHASES" = peer ] || [ "$PHASES" = all ]; then
		log "phase peer: peer-bench run.sh, $TARGET_KAM and callboard@127.0.0.1:$CB_PORT, ring-all to 2 agents"
		run_child env -C "$PEER_BENCH" \
			TARGETS="$TARGET_KAM callboard@127.0.0.1:$CB_PORT" \
			START_callboard="exec '$BIN' run -c '$HERE/bench.yaml' --data-dir '$WORK/peer-callboard-data'" \
			START_WAIT_S=3 AUTH_callboard=digest AUTH_PASS_callboard="$SIP_PASS" REGISTER_DEPTS_callboard=no \
			SCENARIOS="ringall:sales:2" CALLS="$CALLS" RATES="$PEER_RATES" WORK="$WORK/peer" \
			UAC_PORT="$UAC_PORT" REG_PORT="$REG_PORT" AGENT_BASE_PORT="$AGENT_BASE_PORT" \
			"$PEER_BENCH/run.sh" ||
			{ rc=$?; log "peer phase ended with status $rc (a failed step is not an error here)"; }
	fi

	if [ "$PHASES" = pool ] || [ "$PHASES" = all ]; then
		pairs=$(python3 -c "import math; print(math.ceil($POOL_PAIRS_CPS * $POOL_SPAN_S))")
		log "phase pool: $pairs agent pairs, rates [$POOL_RATES]"
		python3 "$HERE/gen_pool.py" --pairs "$pairs" --out "$WORK/pool/gen" --sip-port "$CB_PORT" --dialog-port "$DIALOG_PORT" \
			--agent-base-port "$AGENT_BASE_PORT" --password "$SIP_PASS" || die "gen_pool.py failed"
		run_child python3 "$HERE/pool.py" --targets "callboard@127.0.0.1:$CB_PORT $TARGET_KAM" --callboard-bin "$BIN" \
			--peer-dir "$PEER_BENCH" --gen-dir "$WORK/pool/gen" --pairs "$pairs" --work "$WORK/pool" \
			--rates "$POOL_RATES" --calls "$CALLS" --min-step-s "$POOL_MIN_STEP_S" --lat-rate "$LAT_RATE" --lat-calls "$LAT_CALLS" \
			--lat-repeat "$LAT_REPEAT" --lat-warmup-s "$LAT_WARMUP_S" --lat-settle-s "$LAT_SETTLE_S" --perf-rates "$PERF_RATES" --uac-port "$UAC_PORT" --reg-port "$REG_PORT" \
			--agent-base-port "$AGENT_BASE_PORT" || { rc=$?; log "pool phase failed ($rc)"; }
	fi

	{
		echo "bench/routing $(date -Is): callboard $BIN"
		cat "$WORK/env.txt"
		if [ -f "$WORK/peer/summary.txt" ]; then
			echo; echo "== peer phase: peer-bench ring-all to 2 agents (every call to the same two agents) =="
			sed -n '/^Summary/,$p' "$WORK/peer/summary.txt"
		fi
		if [ -f "$WORK/pool/results.tsv" ]; then
			echo; echo "== pool phase: ring-all to 2 agents, a free pair per call =="
			python3 "$PEER_BENCH/stats.py" table "$WORK/pool/results.tsv" --steps
			echo; echo "Summary (highest rate with 0 failures, below the first failing rate):"
			python3 "$PEER_BENCH/stats.py" table "$WORK/pool/results.tsv"
		fi
		if [ -f "$WORK/pool/latency.jsonl" ]; then
			echo; echo "== routing latency: INVITE in -> first INVITE out (loopback capture) =="
			python3 "$HERE/latency.py" --table "$WORK/pool/latency.jsonl"
		fi
		if [ -f "$WORK/pool/callboard/replay.txt" ]; then
			echo; echo "== callboard replay of its event log after the pool phase =="
			cat "$WORK/pool/callboard/replay.txt"
		fi
		echo; echo "details: $WORK"
	} | tee "$WORK/summary.txt"
	return $rc
}

main "$@"; exit $?
