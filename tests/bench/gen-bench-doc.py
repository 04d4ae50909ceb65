#!/usr/bin/env python3
"""Generate the benchmark document: about SIZE bytes (default 2 MB) of
Japanese content markup (paragraphs with ruby, units and bold, and tables)
as OUTDIR/bench.md, and the same text as HTML as OUTDIR/bench.html (for
w3m -dump). Deterministic: the same size gives the same bytes.

Usage: gen-bench-doc.py OUTDIR [SIZE]
"""
import html
import os
import random
import re
import sys

SENTENCES = [
    "この薬は、皮脂を出す｜皮脂腺《ひしせん》を小さくします。",
    "毛穴の出口が詰まりにくくなり、ニキビができにくくなります。",
    "ふつうは1日20mgくらいから始め、体重1kgあたり0.5〜1mg/kgで調整します。",
    "**食事のすぐあと**に、コップ1杯の水で飲んでください。",
    "唇や皮膚が乾燥しやすくなるので、保湿剤をこまめに塗ります。",
    "日焼け止めはSPF30、PA+++以上のものを選び、UV-Bも防ぎましょう。",
    "治療の期間は、ふつう16〜24週間です。",
    "飲んでいる間と、やめてから1か月は、献血をしないでください。",
    "この薬には催奇形性《さいきけいせい》があり、妊娠を避ける必要があります。",
    "体温が32〜34℃のように低いときは、すぐに連絡してください。",
    "「気分が落ちこむ」「眠れない」と感じたら、早めに相談します。",
    "血液検査で、肝臓の値や脂質（中性脂肪）を毎月確かめます。",
    "ビタミンAのサプリメントは、治療中は飲まないでください。",
    "強いピーリングやレーザー治療は、終わってから半年ほど待ちます。",
    "飲み忘れたときは、2回分をいっぺんに飲まないでください。",
    "目が乾くときは、コンタクトレンズよりメガネが楽なことがあります。",
    "全角で書いた２０ｍｇのような量も、行をまたいで分かれません。",
    "薬は25℃以下の涼しい場所に、子どもの手の届かないように保管します。",
]

TABLE_ROWS = [
    ("唇の乾燥", "とても多い", "リップクリームを1日に何回も塗ります。"),
    ("皮膚の乾燥、かゆみ", "多い", "保湿剤をたっぷり塗ります。"),
    ("日焼けしやすい", "多い", "日焼け止め（SPF30以上）を毎日使います。"),
    ("鼻血", "ときどき", "鼻の中を保湿し、続くときは医師に相談します。"),
    ("筋肉や関節の痛み", "ときどき", "強い運動はしばらく控えます。"),
    ("頭痛", "まれ", "強いとき、続くときはすぐに連絡します。"),
]


def md_to_html_inline(s):
    s = html.escape(s)
    s = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)
    s = re.sub(r"｜([^《]+)《([^》]+)》", r"<ruby>\1<rt>\2</rt></ruby>", s)
    s = re.sub(r"([\u4e00-\u9fff々]+)《([^》]+)》",
               r"<ruby>\1<rt>\2</rt></ruby>", s)
    return s


def main():
    outdir = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 2 * 1024 * 1024
    rnd = random.Random(1)
    md = ["---", "id: bench", "title: ベンチマーク用の文書", "kind: screen",
          "---", ""]
    ht = ["<!DOCTYPE html>", '<html lang="ja"><head><meta charset="utf-8">',
          "<title>ベンチマーク用の文書</title></head><body>",
          "<h1>ベンチマーク用の文書</h1>"]
    n = 0
    total = 0
    while total < size:
        n += 1
        if n % 10 == 0:
            rows = rnd.sample(TABLE_ROWS, 4)
            md.append("| 症状 | 起こりやすさ | どうするか |")
            md.append("|---|:-:|---|")
            ht.append("<table border=1><tr><th>症状</th><th>起こりやすさ</th>"
                      "<th>どうするか</th></tr>")
            for r in rows:
                md.append("| " + " | ".join(r) + " |")
                ht.append("<tr>" + "".join("<td>" + md_to_html_inline(c) +
                                           "</td>" for c in r) + "</tr>")
            ht.append("</table>")
            md.append("")
        elif n % 25 == 1:
            md.append(f"## 第{n}節　注意すること")
            md.append("")
            ht.append(f"<h2>第{n}節　注意すること</h2>")
        else:
            para = "".join(rnd.choice(SENTENCES)
                           for _ in range(rnd.randint(3, 8)))
            md.append(para)
            md.append("")
            ht.append("<p>" + md_to_html_inline(para) + "</p>")
        total = sum(len(x.encode()) + 1 for x in md)
    ht.append("</body></html>")
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "bench.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(outdir, "bench.html"), "w", encoding="utf-8") as f:
        f.write("\n".join(ht) + "\n")


if __name__ == "__main__":
    main()
