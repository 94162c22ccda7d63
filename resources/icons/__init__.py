"""SVG icons (24 px grid, ``currentColor`` strokes recoloured to the palette at paint time)."""
