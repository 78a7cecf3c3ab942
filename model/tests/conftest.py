# SPDX-License-Identifier: Apache-2.0
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from hypothesis import settings  # noqa: E402

# Reproducible property tests; `make regress` (PHYSEC_REGRESS=1) runs many more examples.
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("regress", max_examples=2000, deadline=None)
settings.load_profile("regress" if os.environ.get("PHYSEC_REGRESS") else "ci")
