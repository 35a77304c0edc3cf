# Shared by the tests in tests/ops (sourced): waiting for `lcp service start` to print its addresses.
# wait_started OUT PID: waits (20 s at most) until the JSON line in OUT names the gRPC address; fails (the caller's
# fail function) if the process PID exits first. Sets GRPC, and METRICS when a metrics listener was asked for.
wait_started() {
    i=0
    while ! grep -q '"grpc"' "$1" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 200 ] && fail "the service did not start in 20 s"
        kill -0 "$2" 2>/dev/null || fail "the service exited at start"
        sleep 0.1
    done
    GRPC=$(sed -n 's/.*"grpc":[^"]*"\([^"]*\)".*/\1/p' "$1")
    METRICS=$(sed -n 's/.*"metrics":[^"]*"\([^"]*\)".*/\1/p' "$1")
}
