"""ragft-lint: policy-as-code linter for LLM projects (RAG, fine-tuning or hybrid)."""

from __future__ import annotations

__version__ = "0.1.0"
