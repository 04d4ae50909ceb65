#!/bin/bash
# render lays nodes out on worker threads and prints them in the file's
# order: a long document (hundreds of nodes, many jobs) renders byte for byte
# the same with 0, 1, 2 and 4 workers, at two widths; and so does a file
# with an error in the middle (the same partial output, diagnostics and exit
# status), whose output stops before the node with the error. The document
# is long enough (400 kB) for render to give the parsed text back as it goes.
#
#   render-threads.sh ISOKIOSK SOURCE_ROOT
set -u
isokiosk=${1:?usage: render-threads.sh ISOKIOSK SOURCE_ROOT}
root=${2:?usage: render-threads.sh ISOKIOSK SOURCE_ROOT}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }

mkdir -p "$tmp/ja"
python3 "$root/tests/bench/gen-bench-doc.py" "$tmp/ja" 400000 || exit 1
doc=$tmp/ja/bench.md
nodes=$(grep -c '^$' "$doc")
[ "$nodes" -gt 200 ] && ok "the document has $nodes blank lines (many jobs)" ||
	notok "the document is too short ($nodes blank lines)"

# the same document with an unclosed ruby two thirds of the way in (named
# as its id says)
mkdir -p "$tmp/bad"
bad=$tmp/bad/bench.md
awk -v at=$((nodes * 2 / 3)) '{ print } /^$/ && ++b == at { print "壊れた｜ルビ《よみ"; print "" }' \
	"$doc" >"$bad"

for w in 80 33; do
	ISOKIOSK_RENDER_WORKERS=0 "$isokiosk" render --width "$w" "$doc" \
		>"$tmp/one.txt" 2>"$tmp/one.err"
	s0=$?
	[ "$s0" = 0 ] && [ -s "$tmp/one.txt" ] && [ ! -s "$tmp/one.err" ] &&
		ok "width $w: renders alone (0 workers)" ||
		notok "width $w: render with 0 workers: status $s0"
	ISOKIOSK_RENDER_WORKERS=0 "$isokiosk" render --width "$w" "$bad" \
		>"$tmp/bad1.txt" 2>"$tmp/bad1.err"
	b0=$?
	for k in 1 2 4; do
		ISOKIOSK_RENDER_WORKERS=$k "$isokiosk" render --width "$w" "$doc" \
			>"$tmp/k.txt" 2>"$tmp/k.err"
		s=$?
		if [ "$s" = "$s0" ] && cmp -s "$tmp/one.txt" "$tmp/k.txt" &&
			cmp -s "$tmp/one.err" "$tmp/k.err"; then
			ok "width $w: $k worker(s) print the same"
		else
			notok "width $w: $k worker(s) differ"
			diff "$tmp/one.txt" "$tmp/k.txt" | head -5 | sed 's/^/# /'
		fi
		ISOKIOSK_RENDER_WORKERS=$k "$isokiosk" render --width "$w" "$bad" \
			>"$tmp/bk.txt" 2>"$tmp/bk.err"
		s=$?
		if [ "$s" = 1 ] && [ "$b0" = 1 ] &&
			cmp -s "$tmp/bad1.txt" "$tmp/bk.txt" &&
			cmp -s "$tmp/bad1.err" "$tmp/bk.err"; then
			ok "width $w: with an error, $k worker(s) print the same"
		else
			notok "width $w: with an error, $k worker(s) differ (status $s)"
		fi
	done
	# the partial output is a strict prefix of the good render's
	size=$(stat -c %s "$tmp/bad1.txt")
	if [ "$size" -gt 0 ] && [ "$size" -lt "$(stat -c %s "$tmp/one.txt")" ] &&
		cmp -s -n "$size" "$tmp/bad1.txt" "$tmp/one.txt" &&
		grep -q "bad/bench.md:[0-9]*:[0-9]*: error: ruby reading is not closed" "$tmp/bad1.err"; then
		ok "width $w: output stops before the error"
	else
		notok "width $w: partial output is not a prefix of the render"
	fi
done
echo "1..$n"
exit $fail
