#!/bin/sh
# Runs each libFuzzer target for the given number of seconds on its seed corpus (fuzz/corpus/<target>, copied into
# build/fuzz/corpus so seeds stay read-only) and prints the executions each reached.
set -u
secs=$1; shift
rc=0
for f in "$@"; do
    name=$(basename "$f")
    corpus=build/fuzz/corpus/$name
    mkdir -p "$corpus"
    [ -d "fuzz/corpus/$name" ] && cp -n fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
    log=build/fuzz/$name.log
    if "$f" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 "$corpus" >"$log" 2>&1; then
        execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
        echo "fuzz $name: ok, ${execs:-?} executions in ${secs}s"
    else
        echo "fuzz $name: FAILED (see $log)"; tail -30 "$log"; rc=1
    fi
done
exit $rc
