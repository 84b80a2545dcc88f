from __future__ import annotations

from ragft_lint.cli import main

raise SystemExit(main())
