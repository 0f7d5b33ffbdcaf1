"""``fairbench leaderboard``: the command that writes the tables (fairbench/leaderboard.py) and
the page (fairbench/leaderboard_html.py); its own module, so that the page can import the tables
without the tables importing the page back."""

from __future__ import annotations

import argparse
from pathlib import Path

from fairbench import leaderboard_pairs
from fairbench.errors import UserError
from fairbench.leaderboard import build, groups_csv, to_csv, to_markdown
from fairbench.leaderboard_html import to_html
from fairbench.results import write_text


def cmd_leaderboard(args: argparse.Namespace) -> int:
    rows, cols = build(args.results)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a folder")
    comps, notes = leaderboard_pairs.compare_rows(rows, cols)
    files = {"leaderboard.md": to_markdown(rows, cols) + "\n" + leaderboard_pairs.to_markdown(comps, notes),
             "leaderboard.csv": to_csv(rows, cols), "groups.csv": groups_csv(rows, cols),
             "comparisons.csv": leaderboard_pairs.to_csv(comps), "index.html": to_html(rows, cols, comps, notes)}
    for name, text in files.items():
        write_text(out / name, text)
    merged = sum(len(r.runs) for r in rows)
    better = sum(c.better is not None for c in comps)
    print(f"{len(rows)} rows from {merged} runs, {len(cols)} task columns, {len(comps)} paired comparisons "
          f"({better} significant after Holm) -> "
          + ", ".join(str(out / n) for n in files))
    return 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("leaderboard", help="Markdown, CSV and HTML leaderboard from results files",
                              description="Build leaderboard.md, leaderboard.csv, groups.csv and a self-contained "
                                          "index.html from results JSON files (or folders of them).")
    p.add_argument("results", nargs="+", help="results JSON files or folders holding them")
    p.add_argument("--out", default="leaderboard", help="output folder (default: leaderboard/)")
    p.set_defaults(fn=cmd_leaderboard)
    return p
