"""Tests of the benchmark tooling: the seed, the bench directory, paging and the query counter."""
