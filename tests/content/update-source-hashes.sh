#!/usr/bin/env bash
# Set the `source:` line of the given translated content files to the SHA-256
# of the Japanese file each was translated from (content/ja/<same name>.md).
# Name only the files you have brought up to date with ja: the hash says "this
# translation matches that exact Japanese text", so there is deliberately no
# "every file" default that would mark stale translations as current.
#
# usage: tests/content/update-source-hashes.sh FILE...
#   e.g. tests/content/update-source-hashes.sh content/en/pores.md
#        tests/content/update-source-hashes.sh content/ko/*.md   (a new language)
# Prints one line per file whose hash it changed.
set -eu
if [ $# -eq 0 ]; then
	echo "usage: $0 FILE... (the translated files you have updated)" >&2
	exit 2
fi
status=0
for f in "$@"; do
	src="$(dirname "$f")/../ja/$(basename "$f")"
	if [ ! -f "$src" ]; then
		echo "$f: no Japanese source $src" >&2
		status=1
		continue
	fi
	hash=$(sha256sum "$src" | cut -d' ' -f1)
	old=$(sed -n '2,/^---$/s/^source: *//p' "$f")
	if [ -z "$old" ]; then
		echo "$f: no source: line in the front matter" >&2
		status=1
	elif [ "$old" != "$hash" ]; then
		sed -i "2,/^---\$/s/^source: .*/source: $hash/" "$f"
		echo "$f: source $hash"
	fi
done
exit $status
