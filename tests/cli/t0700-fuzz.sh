#!/bin/sh
test_description='fuzzing: every libFuzzer target runs briefly over its seed corpus without a crash'
. "$(dirname "$0")/test-lib.sh"
test_must_run_on_ci

# Seconds per target; `make fuzz` runs them for minutes (FUZZ_SECONDS).
seconds=${STELE_FUZZ_SECONDS:-5}
bindir=$SRC_ROOT/build-fuzz/fuzz

fuzz_available() {
	command -v clang >/dev/null 2>&1 || return 1
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' \
		>"$TRASH/probe.c"
	clang -fsanitize=fuzzer,address,undefined "$TRASH/probe.c" -o "$TRASH/probe" \
		>/dev/null 2>&1
}

if ! fuzz_available; then
	test_skip 'fuzz targets build' "clang's libFuzzer runtime is unavailable (libclang-rt-14-dev)"
	test_done
fi

test_expect_success 'the fuzz targets build with clang, libFuzzer and sanitizers' '
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$SRC_ROOT" fuzz-build >build.log 2>&1 ||
		{ tail -n 30 build.log; false; }
	test -x "$bindir/fuzz-changeset"
'

for src in "$SRC_ROOT"/tests/fuzz/fuzz-*.c; do
	target=$(basename "$src" .c | sed 's/^fuzz-//')
	test_expect_success "fuzz target $target: ${seconds}s, seed corpus and regressions, no crash" '
		status=0
		sh "$SRC_ROOT/tests/fuzz/run.sh" -t "$seconds" -c "$SRC_ROOT/build-fuzz/crashes" \
			"$bindir" "$target" >"$target.out" 2>&1 || status=$?
		cat "$target.out"
		sed -n "s/^# target .*/&/p" "$target.out" >&3
		test $status = 0 && grep -q "^# target $target: [1-9][0-9]* inputs, 0 crashes" "$target.out"
	' 3>&1
done

test_done
