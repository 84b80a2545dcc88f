"""Run the core over a tree: discovery, configuration, policy packs, workers, baseline."""
