"""Pure computations over one selection of inputs: coverage, ladder, reach, capacity, growth, profile."""
