#!/usr/bin/env bash
# expect.sh STATUS PATTERNS COMMAND...: runs COMMAND and passes when it exits with STATUS and its
# combined output matches every extended regular expression in PATTERNS (separated by " && ").
status=$1 patterns=$2
shift 2
output=$("$@" 2>&1)
actual=$?
printf '%s\n' "$output"
if [ "$actual" -ne "$status" ]; then echo "expect.sh: exit status $actual, expected $status" >&2; exit 1; fi
while [ -n "$patterns" ]; do
  pattern=${patterns%% && *}
  if ! grep -Eq -- "$pattern" <<<"$output"; then echo "expect.sh: output does not match: $pattern" >&2; exit 1; fi
  [ "$pattern" = "$patterns" ] && break
  patterns=${patterns#* && }
done
