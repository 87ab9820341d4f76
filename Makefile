# Developer commands. The tests run with scripts/test.sh (CI runs it through .ci/run).

.PHONY: bench

# bench runs every benchmark of DESIGN §6 on both engines and writes bench/results.md:
#   make bench                                         (the full city: an hour or more)
#   make bench BENCH_SCALE=commune BENCH_ENGINES=sqlite (a quick run)
# Variables: BENCH_SCALE, BENCH_ENGINES, BENCH_DURATION, BENCH_CONNECTIONS (scripts/bench.sh).
bench:
	bash scripts/bench.sh
