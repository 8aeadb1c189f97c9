"""Small-count suppression of published tables: the primary rule, the line and cycle rules of complementary
suppression, worked out by hand, and the audit an attacker would run — solving lines with one unknown, and a
brute-force search showing every hidden figure can take at least two values on ~200 random tables."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from eprok.stats.suppression import (
    Grid,
    Position,
    bridges,
    complementary,
    disclosed_by_propagation,
    lines,
    primary,
    suppress,
    with_totals,
)


def test_the_margins_are_the_row_column_and_grand_totals() -> None:
    assert with_totals([[1, 2], [3, 4]]) == ((1, 2, 3), (3, 4, 7), (4, 6, 10))


def test_it_refuses_a_ragged_or_empty_table() -> None:
    with pytest.raises(ValueError):
        with_totals([[1, 2], [3]])
    with pytest.raises(ValueError):
        with_totals([])


def test_every_row_and_column_of_the_grid_is_a_line_with_its_total_last() -> None:
    assert lines((2, 3)) == [
        [(0, 0), (0, 1), (0, 2)],
        [(1, 0), (1, 1), (1, 2)],
        [(0, 0), (1, 0)],
        [(0, 1), (1, 1)],
        [(0, 2), (1, 2)],
    ]


def test_primary_suppression_hides_small_counts_and_totals_but_publishes_zeros() -> None:
    values = with_totals([[0, 4, 5], [1, 0, 30]])
    # grid: [0 4 5 | 9], [1 0 30 | 31], [1 4 35 | 40]
    assert primary(values, 5) == {(0, 1), (1, 0), (2, 0), (2, 1)}


def test_a_lone_hidden_cell_takes_the_smallest_cell_of_its_row_and_column_with_it() -> None:
    grid = suppress([[2, 10, 8], [7, 9, 12]], 5)
    # Row 0 hides 8 (its smallest other cell), column 0 hides 7, column 2 hides 12: a closed rectangle.
    assert grid.suppressed == {(0, 0), (0, 2), (1, 0), (1, 2)}
    assert grid.published((0, 3)) == 20
    assert grid.published((2, 0)) == 9
    assert grid.published((0, 1)) == 10


def test_a_small_total_is_hidden_and_protected_like_a_cell() -> None:
    grid = suppress([[1, 0], [0, 20]], 5)
    # grid: [1 0 | 1], [0 20 | 20], [1 20 | 21]; primary: the 1s. The totals row and column then each
    # lend a total, and column 1 its cell 20 (interior before totals): a six-entry cycle.
    assert grid.suppressed == {(0, 0), (0, 2), (2, 0), (2, 1), (1, 2), (1, 1)}
    assert grid.published((2, 2)) == 21
    assert grid.published((0, 1)) == 0


def test_interior_cells_are_preferred_to_totals_and_ties_go_to_the_first_position() -> None:
    grid = suppress([[3, 9, 9], [9, 9, 9]], 5)
    # Row 0: 9 at (0, 1) and (0, 2) tie, the first is taken; the row total 21 is not.
    assert (0, 1) in grid.suppressed
    assert (0, 2) not in grid.suppressed
    assert (0, 3) not in grid.suppressed
    assert grid == suppress([[3, 9, 9], [9, 9, 9]], 5)


def test_nothing_is_hidden_when_no_count_is_small() -> None:
    assert suppress([[0, 5], [6, 0]], 5).suppressed == frozenset()


def test_the_threshold_is_configurable() -> None:
    assert suppress([[7, 20], [20, 20]], 5).suppressed == frozenset()
    assert (0, 0) in suppress([[7, 20], [20, 20]], 10).suppressed


def test_a_bridge_between_two_hidden_cycles_is_found() -> None:
    hidden = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    assert bridges(hidden) == [(0, 2)]
    assert bridges(hidden - {(0, 2)}) == []


def test_the_cycle_rule_closes_a_cycle_through_a_bridge_with_the_smallest_cell() -> None:
    cells = [[10] * 4 for _ in range(4)]
    cells[1][3] = 6
    values = with_totals(cells)
    # Every line has two hidden entries or more, yet (0, 2) is the only link between two rectangles,
    # so the published figures determine it. The smallest cell that closes a cycle through it is (1, 3).
    hidden = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    assert complementary(values, hidden) == hidden | {(1, 3)}


# --- the audit ------------------------------------------------------------------------------------------


def random_tables(count: int, seed: int) -> list[list[list[int]]]:
    rng = random.Random(seed)
    tables = []
    for _ in range(count):
        n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 5)
        small = rng.random() < 0.5  # half the tables are sparse, with many small counts
        tables.append(
            [
                [
                    rng.randint(0, 6) if small and rng.random() < 0.6 else rng.randint(0, 30)
                    for _ in range(n_cols)
                ]
                for _ in range(n_rows)
            ]
        )
    return tables


TABLES = random_tables(200, seed=20261130)


def assert_line_rule(grid: Grid) -> None:
    for line in lines(grid.shape):
        hidden = sum(1 for p in line if p in grid.suppressed)
        assert hidden != 1, f"line {line} has a single hidden entry: total minus the others reveals it"


@pytest.mark.parametrize("threshold", [3, 5])
def test_no_line_of_a_random_table_has_a_single_hidden_entry(threshold: int) -> None:
    for cells in TABLES:
        grid = suppress(cells, threshold)
        assert_line_rule(grid)
        assert bridges(grid.suppressed) == []
        assert primary(grid.values, threshold) <= grid.suppressed


def test_solving_lines_with_one_unknown_recovers_no_hidden_figure() -> None:
    attacked = 0
    for cells in TABLES:
        grid = suppress(cells, 5)
        attacked += bool(grid.suppressed)
        assert disclosed_by_propagation(grid) == {}
    assert attacked > 50  # the audit saw enough tables with hidden figures to mean something


def test_the_propagation_attack_does_recover_a_figure_hidden_by_the_primary_rule_alone() -> None:
    values = with_totals([[2, 10], [7, 9]])
    naive = Grid(values=values, suppressed=frozenset(primary(values, 5)))
    assert disclosed_by_propagation(naive) == {(0, 0): 2}


# A brute-force search, independent of the graph argument in suppression.py: for each hidden entry, look
# for non-negative integers for all hidden entries that agree with every published figure and give this
# entry another value than its true one.


def _bound(grid: Grid, position: Position) -> int:
    """The smallest published total of a line holding `position` (not as its total), else the grand total."""
    n_rows, n_cols = grid.shape
    r, c = position
    totals = []
    if c != n_cols - 1:
        totals.append((r, n_cols - 1))
    if r != n_rows - 1:
        totals.append((n_rows - 1, c))
    published = [grid.value(p) for p in totals if p not in grid.suppressed]
    return min(published) if published else grid.value((n_rows - 1, n_cols - 1))


def _equations(grid: Grid) -> list[list[tuple[Position, int]]]:
    # Each line: its cells minus its total is zero.
    return [[(p, 1) for p in line[:-1]] + [(line[-1], -1)] for line in lines(grid.shape)]


def _solvable(grid: Grid, domains: dict[Position, Sequence[int]]) -> bool:
    equations = _equations(grid)
    order = sorted(domains, key=lambda p: (p[0] == grid.shape[0] - 1 or p[1] == grid.shape[1] - 1, p))

    def consistent(assigned: dict[Position, int]) -> dict[Position, int] | None:
        assigned = dict(assigned)
        changed = True
        while changed:
            changed = False
            for equation in equations:
                known = 0
                free = []
                for p, coef in equation:
                    if p in domains and p not in assigned:
                        free.append((p, coef))
                    else:
                        known += coef * (assigned[p] if p in domains else grid.value(p))
                if not free:
                    if known != 0:
                        return None
                    continue
                if len(free) == 1:
                    p, coef = free[0]
                    value = -known * coef
                    if value not in domains[p]:
                        return None
                    assigned[p] = value
                    changed = True
                    continue
                low = sum(min(domains[p]) if coef > 0 else -max(domains[p]) for p, coef in free)
                high = sum(max(domains[p]) if coef > 0 else -min(domains[p]) for p, coef in free)
                if not low <= -known <= high:
                    return None
        return assigned

    def search(assigned: dict[Position, int]) -> bool:
        state = consistent(assigned)
        if state is None:
            return False
        rest = [p for p in order if p not in state]
        if not rest:
            return True
        target = rest[0]
        return any(search({**state, target: value}) for value in domains[target])

    return search({})


def assert_not_determined(grid: Grid) -> None:
    for position in sorted(grid.suppressed):
        domains: dict[Position, Sequence[int]] = {p: range(_bound(grid, p) + 1) for p in grid.suppressed}
        true_value = grid.value(position)
        domains[position] = [v for v in range(_bound(grid, position) + 1) if v != true_value]
        assert _solvable(grid, domains), f"{position} = {true_value} is determined in {grid.values}"


def test_every_hidden_figure_of_a_random_table_can_take_at_least_two_values() -> None:
    checked = 0
    for cells in TABLES:
        grid = suppress(cells, 5)
        assert_not_determined(grid)
        checked += len(grid.suppressed)
    assert checked > 300


def test_the_brute_force_search_does_find_a_figure_determined_by_a_bridge() -> None:
    cells = [[10] * 4 for _ in range(4)]
    cells[1][3] = 6
    values = with_totals(cells)
    hidden = frozenset({(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)})
    with pytest.raises(AssertionError, match=r"\(0, 2\) = 10 is determined"):
        assert_not_determined(Grid(values=values, suppressed=hidden))
