#!/bin/sh
# Runs each libFuzzer target for the given number of seconds on its seed corpus and prints the executions each
# reached. Seeds: our own (fuzz/corpus/<target>) and real vectors named in fuzz/testdata-seeds (a whole file, or a
# hex field of a JSON vector, with or without 0x, decoded with node), read from the shared test data ($TESTDATA,
# default ../shared/testdata) rather than copied into the project. Both are copied into build/fuzz/corpus, which the
# fuzzers grow; the sources stay read-only.
set -u
secs=$1; shift
testdata=${TESTDATA:-../shared/testdata}
rc=0
for f in "$@"; do
    name=$(basename "$f")
    corpus=build/fuzz/corpus/$name
    mkdir -p "$corpus"
    [ -d "fuzz/corpus/$name" ] && cp -n fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
    grep -v '^#' fuzz/testdata-seeds | while read -r target path seed field; do
        [ "$target" = "$name" ] && [ ! -e "$corpus/$seed" ] || continue
        if [ -z "${field:-}" ]; then
            cp "$testdata/$path" "$corpus/$seed" || echo "fuzz $name: seed $testdata/$path is missing"
        else # the bytes are a hex string field of a JSON vector
            node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
                     process.stdout.write(Buffer.from(j[process.argv[2]].replace(/^0x/, ""), "hex"));' \
                "$testdata/$path" "$field" >"$corpus/$seed" || echo "fuzz $name: seed $testdata/$path ($field) failed"
        fi
    done
    log=build/fuzz/$name.log
    if "$f" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 "$corpus" >"$log" 2>&1; then
        execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
        echo "fuzz $name: ok, ${execs:-?} executions in ${secs}s"
    else
        echo "fuzz $name: FAILED (see $log)"; tail -30 "$log"; rc=1
    fi
done
exit $rc
