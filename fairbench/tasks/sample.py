"""``--limit N``: which N items of a task run.

The first N rows of a prompt set are one domain and a few groups (the files are built template
by template), so a limited run would measure a corner of the task. Instead items are taken in
turn from every group, and within a group in turn from every domain, each shuffled by the seed:
the same seed always picks the same items, every group is represented before any gets a second
item, and a group's items spread over its domains.
"""

from __future__ import annotations

import random


def _interleave(queues: list[list[int]]) -> list[int]:
    out, depth = [], 0
    while any(depth < len(q) for q in queues):
        out += [q[depth] for q in queues if depth < len(q)]
        depth += 1
    return out


def stratified(rows: list[dict], n: int, seed: int) -> list[int]:
    """Indices (sorted) of ``n`` items spread over groups, then domains. Rows that share a
    ``unit`` (the two orders of one forced-choice pair) are one item: picked together.

    >>> rows = [{"domain": d, "group": g} for d in "ab" for g in "xy" for _ in range(5)]
    >>> picked = stratified(rows, 4, seed=1)
    >>> sorted({(rows[i]["domain"], rows[i]["group"]) for i in picked})
    [('a', 'x'), ('a', 'y'), ('b', 'x'), ('b', 'y')]
    >>> stratified(rows, 4, seed=1) == picked, len(stratified(rows, 50, seed=1))
    (True, 20)
    >>> pairs = [{"unit": u, "group": g} for u, g in [("p1", "x"), ("p1", "x"), ("p2", "y"), ("p2", "y")]]
    >>> stratified(pairs, 1, seed=1) in ([0, 1], [2, 3])
    True
    """
    members: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        members.setdefault(str(r.get("unit", i)), []).append(i)
    if n >= len(members):
        return list(range(len(rows)))
    units = list(members.values())
    rng = random.Random(seed)
    by_group: dict[str, dict[str, list[int]]] = {}
    for u, idx in enumerate(units):
        r = rows[idx[0]]
        by_group.setdefault(str(r.get("group", "")), {}).setdefault(str(r.get("domain", "")), []).append(u)
    groups = []
    for g in sorted(by_group):
        domains = [by_group[g][d] for d in sorted(by_group[g])]
        for q in domains:
            rng.shuffle(q)
        rng.shuffle(domains)
        groups.append(_interleave(domains))
    rng.shuffle(groups)
    return sorted(i for u in _interleave(groups)[:n] for i in units[u])
