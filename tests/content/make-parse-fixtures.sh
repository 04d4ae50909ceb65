#!/usr/bin/env bash
# Generates the parse- bad-input fixtures too large to write by hand:
#   parse-long-line.md  a content file with a 1 MiB line (the parser refuses
#                       lines over 64 KiB in linear time and goes on)
# Run from anywhere; writes into tests/content/bad/. The .expected files are
# written by hand.
set -eu
dir=$(cd "$(dirname "$0")/bad" && pwd)
{
	printf -- '---\nid: parse-long-line\ntitle: 長い行\nkind: screen\n---\n\n'
	# 1 MiB of "漢字《" (3 x 3 bytes) ... enough repetitions, cut to 1048576 bytes
	head -c 1048576 < <(yes '**漢字《かんじ｜{{' | tr -d '\n')
	printf '\n\n次の段落**閉じていない\n'
} > "$dir/parse-long-line.md"
