"""Positions for graphs too large for the browser's physics: a multilevel force layout in numpy.

Each connected piece is coarsened by label propagation (groups of densely linked nodes, then groups
of groups, until a level is small enough), the top level is laid out by a force layout, and each
group is drawn in a disc around its place whose area grows with the number of entities in it.
Every force layout of one level runs as one batch of numpy arrays (groups padded to a common
size), so a 20,000-node graph takes a fraction of a second where one networkx spring layout per
community took several (bench/results.md, "Network page").
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

SEED = 7
NODE_SPACING = 60.0
"""Distance, in page pixels, between neighbouring nodes of a precomputed layout."""
DIRECT_LIMIT = 128
"""Groups up to this size are laid out by the force layout directly; larger ones are split first."""
ITERATIONS = 50
"""Steps of the force layout of the largest groups; a group of a few nodes settles in fewer (`_iterations`)."""
PROPAGATION_ROUNDS = 8
SEPARATION_STEPS = 5


def disc_radius(mass: float) -> float:
    """Radius of the disc that `mass` entities occupy at `NODE_SPACING`."""
    return NODE_SPACING * math.sqrt(mass / math.pi)


def label_propagation(n: int, edges: np.ndarray, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Group labels (0..k-1) of `n` nodes: each node repeatedly moves to the group its links weigh most, less
    what a random graph of the same degrees would give it there (the modularity gain Louvain uses, so that no
    group floods the graph), half of the nodes at a time so that two sides never swap forever; a node left
    alone joins its strongest neighbour's group."""
    labels = np.arange(n)
    if len(edges) == 0:
        return labels
    source = np.concatenate([edges[:, 0], edges[:, 1], np.arange(n)])
    target = np.concatenate([edges[:, 1], edges[:, 0], np.arange(n)])
    weight = np.concatenate([weights, weights, np.zeros(n)])  # each node's own group is always a candidate
    degree = np.bincount(target, weights=weight, minlength=n)
    total = degree.sum()
    for _ in range(PROPAGATION_ROUNDS):
        keys, inverse = np.unique(target * n + labels[source], return_inverse=True)
        node, label = keys // n, keys % n
        group_degree = np.bincount(labels, weights=degree, minlength=n)[label] - np.where(label == labels[node], degree[node], 0.0)
        score = np.bincount(inverse, weights=weight) - degree[node] * group_degree / total
        score += rng.random(len(keys)) * 1e-9
        # each node's best-scoring group: keys are sorted by node, then group, so the first key of a node's run
        # that reaches the run's highest score is the one a sort by (node, -score) would put first
        opens = np.r_[True, node[1:] != node[:-1]]
        run = np.cumsum(opens) - 1
        top = np.flatnonzero(score == np.maximum.reduceat(score, np.flatnonzero(opens))[run])
        first = top[np.r_[True, run[top][1:] != run[top][:-1]]]
        best = labels.copy()
        best[node[first]] = label[first]
        moving = rng.random(n) < 0.5
        if not np.any(moving & (best != labels)):
            break
        labels = np.where(moving, best, labels)
    source, target, weight = source[:-n], target[:-n], weight[:-n]
    sizes = np.bincount(labels, minlength=n)
    alone = sizes[labels[source]] == 1
    if np.any(alone):  # the heaviest link of each node that is a group of its own
        order = np.lexsort((-weight[alone], source[alone]))
        s, t = source[alone][order], target[alone][order]
        first = np.r_[True, s[1:] != s[:-1]]
        s, t = s[first], t[first]
        take = (sizes[labels[t]] > 1) | (labels[t] < labels[s])  # two nodes alone that pick each other: one label
        joined = labels.copy()
        joined[s[take]] = labels[t[take]]
        labels = joined
    return np.unique(labels, return_inverse=True)[1]


def _iterations(size: int) -> int:
    return min(ITERATIONS, 10 + 5 * size.bit_length())


def _force_batch(groups: list[np.ndarray], edges: np.ndarray, weights: np.ndarray, mass: np.ndarray,
                 rng: np.random.Generator) -> list[np.ndarray]:
    """Force-directed positions, in page pixels around 0, of each group of node indices, all groups in one padded
    array: each node is a disc whose area is its mass, two discs repel and linked ones attract towards touching
    (Fruchterman-Reingold with the sum of the radii as each pair's natural length), the temperature cools
    linearly, and a few last steps push overlapping discs apart."""
    size, count = max(len(g) for g in groups), len(groups)
    members = np.zeros((count, size), dtype=np.int64)
    valid = np.zeros((count, size), dtype=bool)
    slot = np.full(len(mass), -1)
    local = np.zeros(len(mass), dtype=np.int64)
    for i, group in enumerate(groups):
        members[i, : len(group)], valid[i, : len(group)] = group, True
        slot[group], local[group] = i, np.arange(len(group))
    a, b = slot[edges[:, 0]], slot[edges[:, 1]]
    inside = (a >= 0) & (a == b)
    pull = np.zeros((count, size, size))
    strength = np.log2(1.0 + weights[inside])  # a thousand links between two groups do not pull a thousand times harder
    np.add.at(pull, (a[inside], local[edges[inside, 0]], local[edges[inside, 1]]), strength)
    np.add.at(pull, (a[inside], local[edges[inside, 1]], local[edges[inside, 0]]), strength)
    radius = np.where(valid, NODE_SPACING * np.sqrt(mass[members] / math.pi), 0.0)
    length = radius[:, :, None] + radius[:, None, :]
    push = valid[:, :, None] & valid[:, None, :]
    repel, safe_length = np.where(push, length ** 2, 0.0), np.maximum(length, 1.0)
    extent = NODE_SPACING * np.sqrt(np.where(valid, mass[members], 0.0).sum(axis=1) / math.pi)[:, None, None]
    angle = rng.random((count, size)) * 2 * np.pi
    spread = np.sqrt(rng.random((count, size)))[..., None] * extent
    position = np.stack([np.cos(angle), np.sin(angle)], axis=-1) * spread
    temperature = extent / 3
    iterations = _iterations(size)
    pull_per_length = pull / safe_length
    x, y = position[..., 0].copy(), position[..., 1].copy()
    cooling = temperature[..., 0]
    for step in range(iterations):  # x and y apart: plain arithmetic on (groups, size, size) arrays is faster than einsum over an axis of 2
        dx, dy = x[:, :, None] - x[:, None, :], y[:, :, None] - y[:, None, :]
        squared = np.maximum(dx * dx + dy * dy, 1.0)
        force = repel / squared - pull_per_length * np.sqrt(squared)
        move_x, move_y = (dx * force).sum(axis=2), (dy * force).sum(axis=2)
        moved = np.maximum(np.sqrt(move_x * move_x + move_y * move_y), 1e-9)
        scale = np.minimum(moved, cooling * (1 - step / iterations)) / moved
        x += move_x * scale
        y += move_y * scale
    position = np.stack([x, y], axis=-1)
    for _ in range(SEPARATION_STEPS):
        delta = position[:, :, None, :] - position[:, None, :, :]
        distance = np.maximum(np.sqrt((delta ** 2).sum(axis=-1)), 1e-3)
        overlap = np.where(push & (distance < length), (length - distance) / 2, 0.0)
        np.einsum("gii->gi", overlap)[...] = 0.0
        position += (delta / distance[..., None] * overlap[..., None]).sum(axis=2) / np.maximum((overlap > 0).sum(axis=2), 1)[..., None]
    position -= (position * valid[..., None]).sum(axis=1, keepdims=True) / valid.sum(axis=1)[:, None, None]
    return [position[i, : len(group)] for i, group in enumerate(groups)]


def _shell(n: int, edges: np.ndarray, mass: np.ndarray) -> np.ndarray:
    """Rings of breadth-first layers around the most linked node, in a disc of the piece's mass: for a group
    that no propagation splits (a star)."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges.tolist())
    hub = max(graph, key=lambda node: (graph.degree(node), -node))
    layers = [layer for piece in nx.connected_components(graph) for layer in nx.bfs_layers(graph, hub if hub in piece else min(piece))]
    positions = nx.shell_layout(graph, nlist=layers, scale=disc_radius(float(mass.sum())))
    return np.array([positions[i] for i in range(n)], dtype=float)


def _layout_groups(groups: list[np.ndarray], edges: np.ndarray, weights: np.ndarray, mass: np.ndarray,
                   rng: np.random.Generator) -> list[np.ndarray]:
    """Positions of each group's members around 0: a group of one at 0, groups up to `DIRECT_LIMIT` by the
    batched force layout (one batch per power-of-two size), larger ones by `multilevel_layout` of their links."""
    result: list[np.ndarray] = [np.zeros((len(group), 2)) for group in groups]
    buckets: dict[int, list[int]] = {}
    for i, group in enumerate(groups):
        if 1 < len(group) <= DIRECT_LIMIT:
            buckets.setdefault((len(group) - 1).bit_length(), []).append(i)
        elif len(group) > DIRECT_LIMIT:
            local = np.full(len(mass), -1)
            local[group] = np.arange(len(group))
            inside = (local[edges[:, 0]] >= 0) & (local[edges[:, 1]] >= 0)
            result[i] = multilevel_layout(len(group), local[edges[inside]], weights[inside], mass[group], rng)
    for indices in buckets.values():
        for i, points in zip(indices, _force_batch([groups[i] for i in indices], edges, weights, mass, rng)):
            result[i] = points
    return result


def multilevel_layout(n: int, edges: np.ndarray, weights: np.ndarray, mass: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positions of a connected piece in a disc whose area grows with its mass: the groups label propagation
    finds are placed by the layout of the graph between them, each group drawn in its own disc around its place."""
    if n <= DIRECT_LIMIT:
        return _layout_groups([np.arange(n)], edges, weights, mass, rng)[0]
    labels = label_propagation(n, edges, weights, rng)
    count = int(labels.max()) + 1
    if count == 1 or count > 0.9 * n:
        return _shell(n, edges, mass)
    order = np.argsort(labels, kind="stable")
    groups = np.split(order, np.cumsum(np.bincount(labels, minlength=count))[:-1])
    group_mass = np.bincount(labels, weights=mass, minlength=count)
    a, b = labels[edges[:, 0]], labels[edges[:, 1]]
    across = a != b
    pairs = np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)[across]
    between, inverse = np.unique(pairs, axis=0, return_inverse=True)
    between_weights = np.bincount(inverse.ravel(), weights=weights[across], minlength=len(between))
    centres = multilevel_layout(count, between, between_weights, group_mass, rng)
    positions = np.zeros((n, 2))
    for group, points, centre in zip(groups, _layout_groups(groups, edges, weights, mass, rng), centres):
        positions[group] = centre + points
    return positions


def connected_pieces(n: int, edges: np.ndarray) -> np.ndarray:
    """The connected piece of each of `n` nodes, as the smallest node index in it (minimum labels spread along
    the edges, with pointer jumping)."""
    labels = np.arange(n)
    while True:
        before = labels
        lowest = labels.copy()
        np.minimum.at(lowest, edges[:, 0], labels[edges[:, 1]])
        np.minimum.at(lowest, edges[:, 1], labels[edges[:, 0]])
        labels = lowest[lowest]
        if np.array_equal(labels, before):
            return labels


def static_layout(nodes: list[str], edges: np.ndarray, weights: np.ndarray) -> dict[str, tuple[float, float]]:
    """Positions, in page pixels, of nodes linked by `edges` (pairs of indices into `nodes`): each connected
    piece laid out by `multilevel_layout`, pieces packed in rows, largest first."""
    rng = np.random.default_rng(SEED)
    n = len(nodes)
    root = connected_pieces(n, edges)
    roots, piece_of, sizes = np.unique(root, return_inverse=True, return_counts=True)
    ranking = np.lexsort((roots, -sizes))  # largest first, then by first node
    rank = np.empty_like(ranking)
    rank[ranking] = np.arange(len(ranking))
    piece_of = rank[piece_of]
    order = np.argsort(piece_of, kind="stable")
    pieces = np.split(order, np.cumsum(np.bincount(piece_of, minlength=len(roots)))[:-1]) if n else []
    local = np.zeros(n, dtype=np.int64)
    for piece in pieces:
        local[piece] = np.arange(len(piece))
    by_piece = np.argsort(piece_of[edges[:, 0]], kind="stable")
    bounds = np.searchsorted(piece_of[edges[by_piece, 0]], np.arange(len(pieces) + 1))
    radii = [disc_radius(len(piece)) + NODE_SPACING for piece in pieces]
    width = max([2 * radii[0], math.sqrt(sum((2 * r) ** 2 for r in radii))]) if pieces else 0.0
    positions = np.zeros((n, 2))
    x = y = row = 0.0
    for i, (piece, radius) in enumerate(zip(pieces, radii)):
        if x > 0 and x + 2 * radius > width:
            x, y, row = 0.0, y + row, 0.0
        chosen = by_piece[bounds[i]:bounds[i + 1]]
        inner = multilevel_layout(len(piece), local[edges[chosen]], weights[chosen], np.ones(len(piece)), rng)
        positions[piece] = np.array([x + radius, y + radius]) + inner
        x, row = x + 2 * radius, max(row, 2 * radius)
    rounded = np.round(positions, 1).tolist()
    return {node: (xy[0], xy[1]) for node, xy in zip(nodes, rounded)}
