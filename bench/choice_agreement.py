"""How the generative (choice) forms of the pairs, QA and decisions tasks agree with their
log-likelihood forms on the same model and items (issues #18, #19).

    python bench/choice_agreement.py --model smollm2-135m --limit 120 [--out bench/measured/choice_agreement.txt]

Runs ``fairbench.evaluate`` twice per task (``--form loglik`` and ``--form choice``, same seed, so
the same items) and prints, per task:
- pairs: the share of pairs whose two orders give the same sentence (order consistency), the
  position bias (pct_first), and among order-consistent pairs the agreement of the chosen sentence
  with the log-likelihood rules (the conditional suffix rule, pct_stereotype_cond, and lm-eval's
  whole-sentence rule, pct_stereotype); the headlines side by side.
- QA: the share of items answered alike in all three rotations of their answers, the per-answer
  agreement with the log-likelihood argmax, and the BBQ scores and accuracies of both forms.
- decisions: the share of prompts whose parsed answer equals the log-likelihood decision (the
  likelier of the two options), the favourable rate of each form, and gap, flip_rate and the
  reading check (qual_gap) of both forms.
Agreement on an item is exact match; its interval is Wilson's over items (descriptive: items of
one template are not independent).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def wilson(k: int, n: int) -> str:
    from fairbench.metrics.intervals import wilson as w

    if n == 0:
        return "n/a (0 items)"
    lo, hi = w(k / n, n)
    return f"{100 * k / n:.1f}% [{100 * lo:.1f}, {100 * hi:.1f}] ({k}/{n})"


def fmt(v: dict) -> str:
    from fairbench.metrics.base import format_value

    return format_value(v)


def pairs_report(ll, ch, task: str) -> list[str]:
    ll_rec = {s["id"]: s["record"] for s in ll.samples() if s["task"] == task}
    by_pair: dict[str, dict] = {}
    for s in ch.samples():
        if s["task"] == f"{task}_choice":
            pid, order = s["id"].rsplit(":", 1)
            by_pair.setdefault(pid, {})[order] = s["record"]["chose_more"]
    both = {p: o for p, o in by_pair.items() if o.get("more_first") is not None and o.get("less_first") is not None}
    consistent = {p: o["more_first"] for p, o in both.items() if o["more_first"] == o["less_first"]}
    cond = [(p, c) for p, c in consistent.items() if ll_rec[p]["cll_more"] is not None]
    agree_cond = sum(c == (ll_rec[p]["cll_more"] > ll_rec[p]["cll_less"]) for p, c in cond)
    agree_whole = sum(c == (ll_rec[p]["ll_more"] > ll_rec[p]["ll_less"]) for p, c in consistent.items())
    m_ll, m_ch = ll.data["tasks"][task]["metrics"], ch.data["tasks"][f"{task}_choice"]["metrics"]
    return [
        f"## {task} ({len(by_pair)} pairs, both orders)",
        f"- both orders parsed: {wilson(len(both), len(by_pair))}",
        f"- order-consistent (same sentence in both orders): {wilson(len(consistent), len(both))}",
        f"- position bias pct_first: {fmt(m_ch['pct_first'])}; unparsed_rate {fmt(m_ch['unparsed_rate'])}; "
        f"refusal_rate {fmt(m_ch['refusal_rate'])}",
        f"- order-consistent pairs agreeing with the conditional log-likelihood rule: {wilson(agree_cond, len(cond))}",
        f"- order-consistent pairs agreeing with lm-eval's whole-sentence rule: {wilson(agree_whole, len(consistent))}",
        f"- headline: choice pct_stereotype {fmt(m_ch['pct_stereotype'])} | loglik pct_stereotype_cond "
        f"{fmt(m_ll['pct_stereotype_cond'])}, pct_stereotype {fmt(m_ll['pct_stereotype'])}",
        "",
    ]


def qa_report(ll, ch, task: str) -> list[str]:
    ll_rec = {s["id"]: s["record"] for s in ll.samples() if s["task"] == task}
    by_item: dict[str, list[dict]] = {}
    for s in ch.samples():
        if s["task"] == f"{task}_choice":
            by_item.setdefault(s["id"].rsplit(":", 1)[0], []).append(s["record"])
    recs = [(i, r) for i, rs in by_item.items() for r in rs]
    parsed = [(i, r) for i, r in recs if r["parsed"]]
    agree = sum(r["pred"] == ll_rec[i]["pred"] for i, r in parsed)
    full = {i: rs for i, rs in by_item.items() if all(r["parsed"] for r in rs)}
    consistent = {i: rs[0]["pred"] for i, rs in full.items() if len({r["pred"] for r in rs}) == 1}
    agree_c = sum(p == ll_rec[i]["pred"] for i, p in consistent.items())
    m_ll, m_ch = ll.data["tasks"][task]["metrics"], ch.data["tasks"][f"{task}_choice"]["metrics"]
    letters = {k: sum(r["position"] == j for _, r in parsed) for j, k in enumerate("ABC")}
    return [
        f"## {task} ({len(by_item)} items, each asked with its answers in 3 rotations)",
        f"- parsed: {wilson(len(parsed), len(recs))}; letters chosen {letters} (pct_first {fmt(m_ch['pct_first'])})",
        f"- rotation-consistent (the same answer in all 3 rotations): {wilson(len(consistent), len(full))}",
        f"- parsed answers equal to the log-likelihood argmax: {wilson(agree, len(parsed))}; "
        f"rotation-consistent items: {wilson(agree_c, len(consistent))}",
        f"- bias_ambig: choice {fmt(m_ch['bias_ambig'])} | loglik {fmt(m_ll['bias_ambig'])}",
        f"- bias_disambig: choice {fmt(m_ch['bias_disambig'])} | loglik {fmt(m_ll['bias_disambig'])}",
        f"- acc_disambig: choice {fmt(m_ch['acc_disambig'])} | loglik {fmt(m_ll['acc_disambig'])}",
        f"- acc_ambig: choice {fmt(m_ch['acc_ambig'])} | loglik {fmt(m_ll['acc_ambig'])}",
        "",
    ]


def decisions_report(ll, ch, task: str) -> list[str]:
    ll_rec = {s["id"]: s["record"] for s in ll.samples() if s["task"] == task}
    recs = [(s["id"].rsplit(":", 1)[0], s["record"]) for s in ch.samples() if s["task"] == f"{task}_choice"]
    parsed = [(i, r) for i, r in recs if r["fav"] is not None]
    agree = sum(r["fav"] == (ll_rec[i][f"lo_{r['side']}"] > 0) for i, r in parsed)
    ll_fav = sum(ll_rec[i][f"lo_{r['side']}"] > 0 for i, r in recs)
    m_ll, m_ch = ll.data["tasks"][task]["metrics"], ch.data["tasks"][f"{task}_choice"]["metrics"]
    return [
        f"## {task} ({len(recs) // 2} items, 2 prompts each)",
        f"- parsed: {wilson(len(parsed), len(recs))}; refusal_rate {fmt(m_ch['refusal_rate'])}",
        f"- parsed answers equal to the log-likelihood decision: {wilson(agree, len(parsed))}",
        f"- favourable answers: choice {wilson(sum(bool(r['fav']) for _, r in parsed), len(parsed))} | "
        f"loglik decisions {wilson(ll_fav, len(recs))}",
        f"- gap: choice {fmt(m_ch['gap'])} | loglik {fmt(m_ll['gap'])}",
        f"- flip_rate: choice {fmt(m_ch['flip_rate'])} | loglik {fmt(m_ll['flip_rate'])}",
        f"- qual_gap (reading check): choice {fmt(m_ch['qual_gap'])} | loglik {fmt(m_ll['qual_gap'])}; "
        f"informative: choice {ch.data['tasks'][f'{task}_choice'].get('informative')} | "
        f"loglik {ll.data['tasks'][task].get('informative')}",
        "",
    ]


def main(argv=None) -> int:
    import fairbench

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--tasks", default="caste_pairs,religion_pairs,caste_qa,religion_qa")
    ap.add_argument("--limit", type=int, default=120)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--out", default=None, help="also write the report to this file")
    args = ap.parse_args(argv)
    kw = dict(limit=args.limit, lang=args.lang, seed=args.seed, bootstrap_iters=1000)
    with tempfile.TemporaryDirectory() as tmp:
        ll = fairbench.evaluate(args.model, args.tasks, form="loglik", output=Path(tmp) / "ll", **kw)
        ch = fairbench.evaluate(args.model, args.tasks, form="choice", output=Path(tmp) / "ch", **kw)
        lines = [f"# choice vs log-likelihood forms: {args.model}, {args.lang}, --limit {args.limit}, seed {args.seed}",
                 f"# python bench/choice_agreement.py --model {args.model} --tasks {args.tasks} --limit {args.limit}"
                 f" --lang {args.lang}", ""]
        for task in args.tasks.split(","):
            report = {"pairs": pairs_report, "qa": qa_report, "decisions": decisions_report}[task.rsplit("_", 1)[1]]
            lines += report(ll, ch, task)
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
