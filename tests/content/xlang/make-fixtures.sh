#!/usr/bin/env bash
# Writes the cross-language fixture trees used by tests/unit/test-bundle.c:
#   complete/          ja and en, complete and up to date (check: no output)
#   missing-screen/    ja has a screen en lacks; en has one ja lacks
#   missing-question/  en lacks a question and a statement; has an extra one
#   mismatch/          en differs in profile, reread, choices, right answer
#   stale/             en/care.md records the hash of an older ja/care.md
# Source hashes are computed with sha256sum. Run it again after editing it.
set -eu
cd "$(dirname "$0")"
rm -rf complete missing-screen missing-question mismatch stale

src() { sha256sum "$1" | cut -d' ' -f1; }

write_complete() {
	d=$1
	mkdir -p "$d/ja" "$d/en"
	cat > "$d/clinic.conf" <<'X'
# test values
clinic_name = テスト皮膚科
clinic_name.en = Test Dermatology
phone = 03-0000-0000
X
	cat > "$d/ja/manifest" <<'X'
# test manifest
language: 日本語
welcome
care
quiz: quiz
consent: consent
X
	cat > "$d/ja/welcome.md" <<'X'
---
id: welcome
title: ようこそ
kind: screen
---

# {{clinic_name}}へようこそ

この画面では、｜治療《ちりょう》の説明をします。

| 項目 | 内容 |
|---|---|
| 電話 | {{phone}} |
X
	cat > "$d/ja/care.md" <<'X'
---
id: care
title: 肌の手入れ
kind: screen
---

> [!WARNING]
> 日焼けに注意してください。

- 保湿をする
- 日焼け止めを使う
X
	cat > "$d/ja/quiz.md" <<'X'
---
id: quiz
title: 確認テスト
kind: quiz
---

## q-welcome
profile: all
reread: welcome

説明をする画面はどれですか。

- [x] ようこそ
- [ ] なし

最初の画面です。

## q-care
profile: pregnancy
reread: care

日焼け止めは使いますか。

- [ ] 使わない
- [x] 使う

日焼けに注意します。
X
	cat > "$d/ja/consent.md" <<'X'
---
id: consent
title: 確認
kind: consent
---

## ack-read
profile: all

説明を読みました。

## ack-preg
profile: pregnancy

妊娠しないようにします。
X
	cat > "$d/en/manifest" <<'X'
# test manifest (English)
language: English
welcome
care
quiz: quiz
consent: consent
X
	cat > "$d/en/welcome.md" <<X
---
id: welcome
title: Welcome
kind: screen
source: $(src "$d/ja/welcome.md")
---

# Welcome to {{clinic_name}}

This screen explains the treatment.

| Item | Details |
|---|---|
| Phone | {{phone}} |
X
	cat > "$d/en/care.md" <<X
---
id: care
title: Skin care
kind: screen
source: $(src "$d/ja/care.md")
---

> [!WARNING]
> Take care in the sun.

- Moisturise
- Use sunscreen
X
	cat > "$d/en/quiz.md" <<X
---
id: quiz
title: Check
kind: quiz
source: $(src "$d/ja/quiz.md")
---

## q-welcome
profile: all
reread: welcome

Which screen explains things?

- [x] Welcome
- [ ] None

The first screen.

## q-care
profile: pregnancy
reread: care

Do you use sunscreen?

- [ ] No
- [x] Yes

Take care in the sun.
X
	cat > "$d/en/consent.md" <<X
---
id: consent
title: Acknowledgement
kind: consent
source: $(src "$d/ja/consent.md")
---

## ack-read
profile: all

I have read the explanation.

## ack-preg
profile: pregnancy

I will avoid pregnancy.
X
}

write_complete complete

# missing-screen: ja gains "tests", en gains "extra"
write_complete missing-screen
printf 'tests\n' >> missing-screen/ja/manifest
cat > missing-screen/ja/tests.md <<'X'
---
id: tests
title: 検査
kind: screen
---

毎月、血液検査をします。
X
printf 'extra\n' >> missing-screen/en/manifest
cat > missing-screen/en/extra.md <<X
---
id: extra
title: Extra
kind: screen
source: $(src missing-screen/ja/care.md)
---

Only in English.
X

# missing-question: en lacks q-care and ack-preg, and has q-extra
write_complete missing-question
python3 - <<'X'
import re
def edit(p, drop, add=''):
    s = open(p).read()
    parts = re.split(r'(?m)^(?=## )', s)
    parts = [x for x in parts if not x.startswith('## ' + drop + '\n')]
    open(p, 'w').write(''.join(parts) + add)
edit('missing-question/en/quiz.md', 'q-care',
     '\n## q-extra\nprofile: all\nreread: care\n\nExtra?\n\n- [x] Yes\n- [ ] No\n\nOnly in English.\n')
edit('missing-question/en/consent.md', 'ack-preg')
X

# mismatch: en's q-care differs in profile, reread and right answer;
# q-welcome has three choices
write_complete mismatch
python3 - <<'X'
p = 'mismatch/en/quiz.md'
s = open(p).read()
s = s.replace('profile: pregnancy\nreread: care', 'profile: all\nreread: welcome')
s = s.replace('- [ ] No\n- [x] Yes', '- [x] No\n- [ ] Yes')
s = s.replace('- [x] Welcome\n- [ ] None', '- [x] Welcome\n- [ ] None\n- [ ] Both')
open(p, 'w').write(s)
X

# stale: ja/care.md changed after en/care.md was translated
write_complete stale
printf '\n日焼け止めは毎朝ぬります。\n' >> stale/ja/care.md
