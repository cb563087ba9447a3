"""See the package docstring of fbruntime for the layering."""
