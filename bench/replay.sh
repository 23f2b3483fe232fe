#!/usr/bin/env bash
# Replays the new users' conversations (bench/conversations/*.txt) through
# the offline console and writes each transcript to OUTDIR, so that two
# builds can be compared answer by answer:
#   go build -o /tmp/sb-old . && bash bench/replay.sh /tmp/sb-old /tmp/old
#   go build -o /tmp/sb-new . && bash bench/replay.sh /tmp/sb-new /tmp/new
#   diff -r /tmp/old /tmp/new
# A conversation file's first line names its knowledge: "# knowledge: seed"
# (../shared/seed, the news report) or "# knowledge: fairytaleqa/NAME.txt"
# (that story alone). Every other line not starting with "#" is one message,
# written by someone who had not seen the bot's answers. Needs ../shared.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bash bench/replay.sh STORYBOT_BINARY OUTDIR" >&2; exit 2; }
bin=$(realpath "$1"); out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$root/../shared
[ -d "$shared/eval" ] || { echo "replay needs ../shared beside the project root" >&2; exit 2; }
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for f in "$root"/bench/conversations/*.txt; do
  name=$(basename "$f")
  k=$(sed -n 's/^# knowledge: *//p' "$f" | head -n 1)
  case "$k" in
    seed) dir=$shared/seed ;;
    fairytaleqa/*) dir=$tmp/k-$name; mkdir -p "$dir"; cp "$shared/eval/fairytaleqa/docs/${k#fairytaleqa/}" "$dir/" ;;
    *) echo "$name: first line must be '# knowledge: seed' or '# knowledge: fairytaleqa/NAME.txt'" >&2; exit 2 ;;
  esac
  rm -rf "$tmp/data"; mkdir -p "$tmp/data"
  grep -v '^#' "$f" | env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u DISCORD_TOKEN \
    "$bin" console --knowledge "$dir" --data "$tmp/data" --env-file /dev/null 2>/dev/null |
    sed -e "s#$tmp/data#DATA#g" -e "s#$tmp#TMP#g" -e "s#indexed [0-9-]* [0-9:]* UTC#indexed TIME#" >"$out/$name"
done
echo "$(ls "$root"/bench/conversations/*.txt | wc -l) conversations replayed into $out"
