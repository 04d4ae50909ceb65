#!/usr/bin/env bash
# Set the `source:` line of every translated content file to the SHA-256 of the
# Japanese file it was translated from (content/ja/<same name>.md).
# Run it ONLY after you have brought the translation up to date with ja:
# the hash says "this translation matches that exact Japanese text".
#
# usage: tests/content/update-source-hashes.sh [CONTENT_DIR] [LANG...]
#   default CONTENT_DIR: content (relative to the source tree), LANG: every
#   folder except ja.   Prints one line per file whose hash it changed.
set -eu
root=${1:-"$(dirname "$0")/../../content"}
shift || true
langs=("$@")
if [ ${#langs[@]} -eq 0 ]; then
	for d in "$root"/*/; do
		l=$(basename "$d")
		[ "$l" = ja ] || langs+=("$l")
	done
fi
for l in "${langs[@]}"; do
	for f in "$root/$l"/*.md; do
		src="$root/ja/$(basename "$f")"
		[ -f "$src" ] || { echo "$f: no $src" >&2; continue; }
		hash=$(sha256sum "$src" | cut -d' ' -f1)
		old=$(sed -n '2,/^---$/s/^source: *//p' "$f")
		if [ -z "$old" ]; then
			echo "$f: no source: line in the front matter" >&2
		elif [ "$old" != "$hash" ]; then
			sed -i "2,/^---\$/s/^source: .*/source: $hash/" "$f"
			echo "$f: source $hash"
		fi
	done
done
