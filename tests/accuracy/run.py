"""Runner for the accuracy tuning loop: build the seeds' cases, check them, print matrices, write JSON."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for `checker`
sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluate as E  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python tests/accuracy/run.py", description=__doc__)
    ap.add_argument("--split", choices=("tune", "test", "all"), default="tune",
                    help="which held-out split to run (test: aggregate figures only unless "
                         f"{E.SHOW_TEST_ENV}=1)")
    ap.add_argument("--seeds", type=int, default=None, help=f"number of generator seeds (default {E.N_SEEDS})")
    ap.add_argument("--rule", choices=sorted(set(E.RULES + E.SECOND_RULES)), action="append",
                    help="only this rule's matrices (repeatable)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--json", type=Path, help="write the figures and (tune) misclassified cases to this file")
    ap.add_argument("--no-real-bylines", action="store_true", help="skip the real-byline cases")
    ap.add_argument("--corpus", type=Path, help="the real-pages folder (default: ../shared/corpus/real-pages)")
    ap.add_argument("--pack", choices=("dcnf", E.SECOND_PACK), default="dcnf",
                    help=f"which pack's cases (default dcnf; {E.SECOND_PACK}: the second pack's copies, "
                         f"{E.SECOND_N_SEEDS} seeds unless --seeds)")
    args = ap.parse_args(argv)
    second = args.pack == E.SECOND_PACK
    if args.seeds is None:
        args.seeds = E.SECOND_N_SEEDS if second else E.N_SEEDS
    if args.seeds < 1 or args.jobs < 1:
        ap.error("--seeds and --jobs must be at least 1")
    b = E.load_build()
    corpus = args.corpus or b.corpus_dir()
    if corpus is None or not corpus.is_dir():
        print("error: real-pages corpus not found (../shared/corpus/real-pages or $SYNDICHECK_CORPUS)", file=sys.stderr)
        return 2
    splits = E.SPLITS if args.split == "all" else (args.split,)
    all_rules = E.SECOND_RULES if second else E.RULES
    rules = tuple(r for r in args.rule if r in all_rules) if args.rule else all_rules
    if not rules:
        ap.error(f"--rule: the {args.pack} pack's rules are {', '.join(all_rules)}")
    t0 = time.perf_counter()
    progress = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    if second:
        ev = E.evaluate_second_pack(args.seeds, splits, args.jobs, corpus, progress=progress)
    else:
        ev = E.evaluate(args.seeds, splits, args.jobs, rules, corpus, bylines=not args.no_real_bylines,
                        progress=progress)
    print(E.report(ev, rules))
    if "test" in splits:
        bad = E.gate_failures(ev, "test", rules, E.SECOND_GATE_FLOORS if second else None)
        print("\ngate (test split, the ratchet): " + ("PASS" if not bad else "FAIL\n  " + "\n  ".join(bad)))
        gaps = E.target_gaps(ev, "test", rules)
        print("issue 10's targets (test split): " + ("all met" if not gaps else "not yet met\n  " + "\n  ".join(gaps)))
    if args.json:
        E.dump_json(ev, args.json)
        print(f"wrote {args.json}")
    print(f"elapsed: {time.perf_counter() - t0:.1f}s (jobs={args.jobs}, seeds={args.seeds})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
