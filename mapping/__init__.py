"""Analysis and maps: teams, coverage, FOI replies, provision levels, figures."""
