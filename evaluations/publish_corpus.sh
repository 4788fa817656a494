#!/usr/bin/env bash
# Every published figure of a new default corpus, in the order the measurements need: the corpus
# generated alone (its time is the cost figure), the downstream benchmark with the scorers beside it
# (their figures do not depend on speed), then the timed benches alone. ~170 min on 2 cores.
#
#   evaluations/publish_corpus.sh NAME [STEP ...]     # STEP: see STEP_NAMES below
#
# Writes out/quality-NAME (the corpus) and evaluations/results/DATE-{quality,downstream,offensive}-NAME,
# evaluations/results/checks-calibration.json, the probe instrument, DATE-throughput and the fine-tune
# step; with `matrix` (only when asked), DATE-matrix-NAME: the corpus's first 128 and its four ablations,
# ~2.5 h. The READMEs beside the figures are written by a person, after reading the samples.
# Do not commit or edit tracked files in this checkout while it runs: every figure records the commit
# (and a dirty tree) when it is written, and a child process imports the package when it starts.
set -euo pipefail

STEP_NAMES="generate score benchmark throughput finetune matrix"  # the one list of steps
NAME=${1:?usage: publish_corpus.sh NAME [STEP ...], STEP one of: $STEP_NAMES}
shift
STEPS=${*:-generate score benchmark throughput finetune}  # matrix only when asked
for step in $STEPS; do
    if [[ " $STEP_NAMES " != *" $step "* ]]; then
        echo "publish_corpus.sh: unknown step '$step' ($STEP_NAMES)" >&2
        exit 2
    fi
done
REPO=$(cd "$(dirname "$0")/.." && pwd)
PY=$REPO/.venv/bin/python
DS=$REPO/.venv/bin/dialoguesynth
export PYTHONPATH=$REPO${PYTHONPATH:+:$PYTHONPATH}  # this checkout's code, wherever the venv's install points
DATA=$(cd "$REPO/.." && pwd)/shared/data/dialogsum
DAY=$(date -u +%F)
CORPUS=$REPO/out/quality-$NAME
Q=$REPO/evaluations/results/$DAY-quality-$NAME
D=$REPO/evaluations/results/$DAY-downstream-$NAME
O=$REPO/evaluations/results/$DAY-offensive-$NAME
LOG=$REPO/out/publish-$NAME
mkdir -p "$LOG" "$Q" "$D" "$O"
cd "$REPO"
# the rule a corpus is judged by is committed before its run, in evaluations/rules/, and travels with it
[ -f "evaluations/rules/quality-$NAME.md" ] && cp "evaluations/rules/quality-$NAME.md" "$Q/rule.md"
has() { [[ " $STEPS " == *" $1 "* ]]; }
say() { echo "$(date -u +%T) $*" | tee -a "$LOG/steps.log"; }

if has generate; then
    # from a folder with no ../shared beside it: the embedded reference pool, as a user's machine has
    RUN=$(mktemp -d /tmp/publish-XXXX)
    say "generate $NAME in $RUN"
    # the cost figure moves between runs of the same work (v30 6.40, v31 7.98 per minute): a matmul
    # probe before and after says whether the machine's arithmetic moved with it
    probe() { "$PY" -c 'import json, sys; sys.path.insert(0, "evaluations"); from bench_throughput import matmul_peak_gflops as m; print(json.dumps(m(2)))'; }
    before=$(probe)
    start=$(date -u +%FT%T+00:00)
    t0=$(date +%s.%N)
    (cd "$RUN" && "$DS" generate -o "$CORPUS" --accepted 400 --seed 13 --no-progress) >"$LOG/generate.log" 2>&1
    t1=$(date +%s.%N)
    after=$(probe)
    "$PY" - "$CORPUS" "$RUN" "$start" "$t0" "$t1" "$before" "$after" >"$Q/generated.json" <<'EOF'
import json, sys
from datetime import datetime, timezone
sys.path.insert(0, "evaluations")
from provenance import provenance
corpus, run, start, t0, t1, before, after = sys.argv[1:]
p = provenance()
print(json.dumps({
    "corpus": "out/" + corpus.rsplit("/", 1)[-1],
    "generated_at": p["commit"],
    "dirty": p["dirty"],
    "command": f"dialoguesynth generate -o {corpus} --accepted 400 --seed 13 --no-progress",
    "cwd": f"{run} (no ../shared beside it)",
    "started": start,
    "ended": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    "wall_s": round(float(t1) - float(t0), 1),
    "matmul_gflops_2_threads": {"before": json.loads(before), "after": json.loads(after)},
    "machine": p["machine"],
}, indent=1))
EOF
    say "generated: $(cat "$Q/generated.json" | tr -d '\n')"
fi

if has benchmark; then
    say "benchmark (scorers beside it)"
    "$DS" benchmark -s "full=$CORPUS" --real "$DATA/train.jsonl" --test "$DATA/test.jsonl" --seeds 3 \
        --n-test 100 --out "$LOG/bench/result" >"$LOG/benchmark.log" 2>&1 &
    BENCH=$!
fi

if has score; then
    # a scorer that fails is logged and the rest go on: the benchmark beside them is still running
    score() { "$PY" "$@" >>"$LOG/score.log" 2>&1 || say "failed: $*"; }
    say "score"
    score evaluations/quality_report.py "$CORPUS" --out "$Q"
    for s in nonwords coherence_cut phrase_presence realism_gap; do
        score "evaluations/$s.py" "$CORPUS" --out "$Q/$s.json"
    done
    score evaluations/history/2026-12-06-summary-openers/gate.py "$NAME=$CORPUS" --out "$Q/summaries"
    score evaluations/offensive.py "$CORPUS" --out "$O/offensive.json"  # needs: pip install --no-deps alt-profanity-check
    score evaluations/calibrate_checks.py --data-dir ../shared/data/dialogsum
    score evaluations/probe_instrument.py --n 400 --seeds 3 --out evaluations/results/2026-12-03-probe-instrument
    say "scored"
fi

if has benchmark; then
    wait "$BENCH"
    cp "$LOG"/bench/result/{benchmark.json,benchmark.md,predictions.jsonl} "$D"/
    say "benchmark done"
fi

if has throughput; then
    say "throughput (alone)"
    pkill -9 -f "VLLM::" || true
    "$PY" evaluations/bench_throughput.py --specs 0 --hf-batched 0 --out "evaluations/results/$DAY-throughput" >"$LOG/throughput.log" 2>&1
    say "throughput done"
fi

if has finetune; then
    say "fine-tune step (alone)"
    "$PY" evaluations/bench_finetune_step.py --steps 2 --no-lora --out evaluations/results/2026-12-04-finetune-step \
        >"$LOG/finetune.log" 2>&1
    say "fine-tune step done"
fi
if has matrix; then
    # issue 14's ablation rows through the CLI's own `benchmark --matrix`: the full corpus and each ablation
    # generated from one config (the published corpus's: seed 13, here 128 accepted each; its hash is the
    # corpus's), from a folder with no ../shared as the corpus was, then one benchmark as D1's. `full` starts
    # as a copy of the published corpus, so its run resumes and exports the corpus's first 128 (made anew
    # where the corpus is not on this machine).
    say "ablation matrix (alone)"
    MR=$REPO/evaluations/results/$DAY-matrix-$NAME
    OUT=$LOG/matrix/result
    RUN=$(mktemp -d /tmp/matrix-XXXX)
    printf 'seed: 13\nnum_dialogues: 384\nrun:\n  accepted: 128\n' >"$RUN/matrix.yaml"  # = generate --accepted 128 --seed 13
    mkdir -p "$MR" "$OUT/corpora"
    rm -rf "$OUT/corpora/full"
    if [ -d "$CORPUS" ]; then
        cp -r "$CORPUS" "$OUT/corpora/full"
    else  # a new machine: the same config and seed give the same specs and render seeds, so `full` is made anew
        say "no $CORPUS here: full is generated from the config (the same specs and seeds as its first 128)"
    fi
    (cd "$RUN" && "$DS" benchmark --matrix "$RUN/matrix.yaml" --real "$DATA/train.jsonl" --test "$DATA/test.jsonl" \
        --seeds 3 --n-test 100 --out "$OUT") >"$LOG/matrix.log" 2>&1
    for c in "$OUT"/corpora/*/; do cp "$c/summary.json" "$MR/corpus-$(basename "$c")-summary.json"; done
    cp "$OUT"/{benchmark.json,benchmark.md,predictions.jsonl} "$MR"/
    say "matrix done"
fi
say "all done: $STEPS"
