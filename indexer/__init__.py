"""Turn report files into a kazsearch index generation: ``build_index(paths, index_dir)``."""
