"""Kept for older imports: block files are now handled by :mod:`fbruntime.loader.pyfiles`."""

from fbruntime.loader.pyfiles import (
    default_library_dirs,
    import_file,
    load_block_file,
    load_library,
)

__all__ = ["default_library_dirs", "import_file", "load_block_file", "load_library"]
