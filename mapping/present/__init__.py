"""How figures are shown: the visual style, the web map, print figures, downloads and safe output files."""
