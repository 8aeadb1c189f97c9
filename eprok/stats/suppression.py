"""Statistical disclosure control for published tables: small counts hidden so no one can be identified.

A table is a grid of counts with its margins: interior cells, the row totals in the last column, the
column totals in the last row and the grand total in the corner. Every row and every column of the grid
(totals included) is a line: its cells add up to its total.

Primary suppression hides every entry with 0 < value < threshold (totals included; zeros are published).
Complementary suppression then hides more entries so the hidden ones cannot be worked out from the rest:
1. the line rule — a line with exactly one hidden entry would give it away (total minus the others), so
   the smallest non-zero published entry of that line is hidden too (interior cells before totals);
2. the cycle rule — with the sign of the totals flipped, every line of the grid sums to zero, so the
   hidden entries are the edges of a graph between lines-of-rows and lines-of-columns, and the values
   consistent with the published figures differ only along the cycles of that graph. A hidden entry on no
   cycle (a bridge) is still exactly determined, even when every line has two hidden entries; an entry
   that closes a cycle through it is hidden as well.
Both rules are repeated until nothing changes. Every hidden entry is then non-zero and on a cycle, so it
can move by one (and its cycle with it) without breaking any published figure: it is never determined.

Pure functions: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Position = tuple[int, int]  # (row, column) in the grid with margins


@dataclass(frozen=True)
class Grid:
    """A table with its margins and the set of entries not to publish."""

    values: tuple[tuple[int, ...], ...]  # (rows + 1) × (columns + 1): the last row and column are totals
    suppressed: frozenset[Position]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.values), len(self.values[0])

    def value(self, position: Position) -> int:
        return self.values[position[0]][position[1]]

    def published(self, position: Position) -> int | None:
        """The value as published: None when suppressed."""
        return None if position in self.suppressed else self.value(position)


def with_totals(cells: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """The grid of `cells` (rows × columns, at least one of each) with row, column and grand totals."""
    if not cells or not cells[0]:
        raise ValueError("a table needs at least one row and one column")
    width = len(cells[0])
    if any(len(row) != width for row in cells):
        raise ValueError("every row needs the same number of cells")
    rows = [(*row, sum(row)) for row in cells]
    bottom = tuple(sum(row[c] for row in rows) for c in range(width + 1))
    return (*(tuple(row) for row in rows), bottom)


def lines(shape: tuple[int, int]) -> list[list[Position]]:
    """Every row and every column of a grid of `shape`, each with its total last."""
    n_rows, n_cols = shape
    rows = [[(r, c) for c in range(n_cols)] for r in range(n_rows)]
    columns = [[(r, c) for r in range(n_rows)] for c in range(n_cols)]
    return rows + columns


def is_total(position: Position, shape: tuple[int, int]) -> bool:
    return position[0] == shape[0] - 1 or position[1] == shape[1] - 1


def primary(values: Sequence[Sequence[int]], threshold: int) -> set[Position]:
    """Entries (cells and totals) with 0 < value < threshold."""
    return {(r, c) for r, row in enumerate(values) for c, value in enumerate(row) if 0 < value < threshold}


def _choice_key(
    position: Position, values: Sequence[Sequence[int]], shape: tuple[int, int]
) -> tuple[int, ...]:
    # Interior cells before totals, then the smallest value, then the position (deterministic ties).
    return (int(is_total(position, shape)), values[position[0]][position[1]], position[0], position[1])


def _pick(
    candidates: Iterable[Position], values: Sequence[Sequence[int]], shape: tuple[int, int]
) -> Position | None:
    """The entry to hide among `candidates`: a non-zero one when there is any."""
    pool = list(candidates)
    non_zero = [p for p in pool if values[p[0]][p[1]] != 0]
    chosen = non_zero or pool
    return min(chosen, key=lambda p: _choice_key(p, values, shape)) if chosen else None


def _line_rule(values: Sequence[Sequence[int]], hidden: set[Position], shape: tuple[int, int]) -> bool:
    changed = False
    for line in lines(shape):
        if sum(1 for p in line if p in hidden) != 1:
            continue
        choice = _pick((p for p in line if p not in hidden), values, shape)
        if choice is not None:
            hidden.add(choice)
            changed = True
    return changed


Vertex = tuple[str, int]  # ("r", row) or ("c", column)


def _edges(hidden: Iterable[Position]) -> list[tuple[Vertex, Vertex]]:
    return [(("r", r), ("c", c)) for r, c in sorted(hidden)]


def bridges(hidden: Iterable[Position]) -> list[Position]:
    """The hidden entries on no cycle of the row-column graph: each is determined by the published figures."""
    edges = _edges(hidden)
    neighbours: dict[Vertex, list[tuple[Vertex, int]]] = {}
    for index, (a, b) in enumerate(edges):
        neighbours.setdefault(a, []).append((b, index))
        neighbours.setdefault(b, []).append((a, index))
    order: dict[Vertex, int] = {}
    low: dict[Vertex, int] = {}
    found: list[Position] = []
    for root in sorted(neighbours):
        if root in order:
            continue
        # Iterative Tarjan: (vertex, edge it was reached by, iterator position).
        order[root] = low[root] = len(order)
        stack: list[tuple[Vertex, int, int]] = [(root, -1, 0)]
        while stack:
            vertex, via, at = stack[-1]
            if at < len(neighbours[vertex]):
                stack[-1] = (vertex, via, at + 1)
                other, edge = neighbours[vertex][at]
                if edge == via:
                    continue
                if other in order:
                    low[vertex] = min(low[vertex], order[other])
                else:
                    order[other] = low[other] = len(order)
                    stack.append((other, edge, 0))
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[vertex])
                if low[vertex] > order[parent]:
                    a, b = edges[via]
                    row, column = (a, b) if a[0] == "r" else (b, a)
                    found.append((row[1], column[1]))
    return sorted(found)


def _component(start: Vertex, edges: list[tuple[Vertex, Vertex]]) -> set[Vertex]:
    neighbours: dict[Vertex, set[Vertex]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    seen = {start}
    todo = [start]
    while todo:
        for other in neighbours.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _cycle_rule(values: Sequence[Sequence[int]], hidden: set[Position], shape: tuple[int, int]) -> bool:
    """Close a cycle through the first bridge; True if an entry was hidden."""
    for bridge in bridges(hidden):
        others = _edges(hidden - {bridge})
        side_a = _component(("r", bridge[0]), others)
        side_b = _component(("c", bridge[1]), others)
        candidates = [
            (r, c)
            for r in range(shape[0])
            for c in range(shape[1])
            if (r, c) not in hidden
            and ((("r", r) in side_a and ("c", c) in side_b) or (("r", r) in side_b and ("c", c) in side_a))
        ]
        choice = _pick(candidates, values, shape)
        if choice is not None:
            hidden.add(choice)
            return True
    return False


def complementary(values: Sequence[Sequence[int]], hidden: Iterable[Position]) -> set[Position]:
    """`hidden` grown by the line and cycle rules until stable."""
    shape = (len(values), len(values[0]))
    result = set(hidden)
    while _line_rule(values, result, shape) or _cycle_rule(values, result, shape):
        pass
    return result


def suppress(cells: Sequence[Sequence[int]], threshold: int) -> Grid:
    """The table of `cells` with its margins, primary and complementary suppression applied."""
    if threshold < 1:
        raise ValueError("the threshold must be at least 1")
    values = with_totals(cells)
    return Grid(values=values, suppressed=frozenset(complementary(values, primary(values, threshold))))


def disclosed_by_propagation(grid: Grid) -> dict[Position, int]:
    """The attack on a published grid: solve every line with one unknown, again and again; what it finds."""
    known: dict[Position, int] = {}
    shape = grid.shape
    unknown = set(grid.suppressed)

    def figure(position: Position) -> int:
        return known[position] if position in known else grid.value(position)

    progress = True
    while progress:
        progress = False
        for line in lines(shape):
            missing = [p for p in line if p in unknown]
            if len(missing) != 1:
                continue
            target = missing[0]
            total, cells = line[-1], line[:-1]
            if target == total:
                solved = sum(figure(p) for p in cells)
            else:
                solved = figure(total) - sum(figure(p) for p in cells if p != target)
            known[target] = solved
            unknown.discard(target)
            progress = True
    return known
