"""Pages of the teachers module (thin: parse → service/selector → render)."""
