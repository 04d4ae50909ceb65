#!/bin/bash
# Render benchmark: a 2 MB Japanese document (paragraphs, ruby, units,
# tables) laid out at 80 columns by `isokiosk render`, beside
#   - w3m -dump -cols 80 on the same text as HTML,
#   - less to its first screen (in a tmux pane 80x24; the time from starting
#     the pane to the first line of the file showing in it, polled every
#     10 ms, so tmux's own start is included; RSS read from ps then),
#   - bare-linebreak: libunistring's u8_width_linebreaks alone over the same
#     paragraphs (no decoding, parsing, kinsoku additions or output),
#   - and, with bench-phases (next to BARE_LINEBREAK or $BENCH_PHASES), our
#     decode, parse and layout timed apart inside one process.
# Wall time is the best of RUNS runs (default 5); peak RSS from
# /usr/bin/time. A report, not a test: it never fails on the numbers.
#
#   bench-render.sh ISOKIOSK BARE_LINEBREAK [WORKDIR]
set -eu
isokiosk=${1:?usage: bench-render.sh ISOKIOSK BARE_LINEBREAK [WORKDIR]}
bare=${2:?usage: bench-render.sh ISOKIOSK BARE_LINEBREAK [WORKDIR]}
work=${3:-$(mktemp -d)}
runs=${RUNS:-5}
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$work/ja"
python3 "$here/gen-bench-doc.py" "$work/ja" "${BENCH_SIZE:-2097152}"
md=$work/ja/bench.md
html=$work/ja/bench.html
size=$(stat -c %s "$md")

now_ns() { date +%s%N; }

# best wall time (ms) and peak RSS (KB) of a command over $runs runs
measure() { # name cmd...
	local name=$1 best= rss=0 t0 t1 ms r
	shift
	for _ in $(seq "$runs"); do
		t0=$(now_ns)
		/usr/bin/time -f %M -o "$work/rss" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
			echo "$name failed:"; cat "$work/$name.err"; return 1; }
		t1=$(now_ns)
		ms=$(( (t1 - t0) / 1000000 ))
		r=$(tail -n 1 "$work/rss")
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
		if [ "$r" -gt "$rss" ]; then rss=$r; fi
	done
	echo "$name $best $rss"
}

results=$work/results
: >"$results"
measure isokiosk "$isokiosk" render --width 80 "$md" >>"$results"
measure baseline "$isokiosk" render --width 80 "$here/../layout/docs/qa.md" >>"$results"
measure w3m w3m -dump -cols 80 -T text/html "$html" >>"$results"
measure bare "$bare" "$md" 80 >>"$results"

# less to first screen, in a tmux pane
less_ms=- less_rss=-
if command -v tmux >/dev/null && command -v less >/dev/null; then
	best=
	for _ in $(seq "$runs"); do
		sock=$(mktemp -u)
		t0=$(now_ns)
		tmux -S "$sock" -f /dev/null new-session -d -x 80 -y 24 \
			"LESS= LESSOPEN= less -S '$md'" || continue
		shown=
		for _ in $(seq 500); do
			if tmux -S "$sock" capture-pane -p 2>/dev/null | grep -q '^id: bench'; then
				shown=1
				break
			fi
			sleep 0.01
		done
		t1=$(now_ns)
		pid=$(tmux -S "$sock" list-panes -F '#{pane_pid}' 2>/dev/null | head -n 1)
		r=$(ps -o rss= -p "$pid" 2>/dev/null | tr -d ' ' || true)
		tmux -S "$sock" kill-server 2>/dev/null || true
		rm -f "$sock"
		[ -n "$shown" ] || continue
		ms=$(( (t1 - t0) / 1000000 ))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; less_rss=${r:--}; fi
	done
	less_ms=${best:--}
fi
echo "less $less_ms $less_rss" >>"$results"

# where our time goes: decode, parse and layout timed apart in one process
phases=${BENCH_PHASES:-$(dirname "$bare")/bench-phases}
if [ -x "$phases" ]; then
	"$phases" "$md" 80 "$runs" >"$work/phases" || : >"$work/phases"
else
	: >"$work/phases"
fi

python3 - "$results" "$size" "$work/phases" <<'PY'
import sys
res = {}
for line in open(sys.argv[1]):
    name, ms, rss = line.split()
    res[name] = (ms, rss)
size = int(sys.argv[2])
def num(x):
    return None if x == "-" else int(x)
print(f"input: {size} bytes ({size / 1048576:.2f} MB) of content markup, width 80")
print(f"{'program':<34}{'time ms':>9}{'MB/s':>8}{'peak RSS MB':>13}")
label = {
    "isokiosk": "isokiosk render",
    "baseline": "isokiosk render (tiny file)",
    "w3m": "w3m -dump -cols 80 (HTML twin)",
    "less": "less, to first screen (tmux)",
    "bare": "u8_width_linebreaks alone",
}
for k in ("isokiosk", "baseline", "w3m", "less", "bare"):
    ms, rss = res.get(k, ("-", "-"))
    rs = "-" if rss == "-" else f"{int(rss) / 1024:.1f}"
    tp = "-" if ms in ("-", "0") or k in ("baseline", "less") else \
        f"{size / 1048576 / (int(ms) / 1000):.1f}"
    print(f"{label[k]:<34}{ms:>9}{tp:>8}{rs:>13}")
ours, w3m, bare = (num(res[k][0]) for k in ("isokiosk", "w3m", "bare"))
rss, base = num(res["isokiosk"][1]), num(res["baseline"][1])
if ours:
    print(f"w3m time / ours:           {w3m / ours:.1f}x   (goal: >= 5x)")
    print(f"ours / bare line breaker:  {ours / max(bare, 1):.1f}x   (goal: <= 2x)")
ph = dict(l.split() for l in open(sys.argv[3]) if l.strip())
if ph:
    print(f"in one process (best of runs, ms): decode {ph['decode']}, "
          f"parse {ph['parse']}, layout {ph['layout']}, "
          f"u8_width_linebreaks alone {ph['bare']} "
          f"(layout / bare: {float(ph['layout']) / max(float(ph['bare']), 0.1):.1f}x)")
print(f"peak RSS / input:          {rss * 1024 / size:.1f}x   (goal: < 3x); "
      f"above a tiny file's {base / 1024:.1f} MB: {(rss - base) * 1024 / size:.1f}x")
PY
