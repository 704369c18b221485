"""``python -m smworld.cli``: the same as the ``smworld`` console script."""

import sys

from . import main

sys.exit(main())
