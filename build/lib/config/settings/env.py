"""The one place where Trilink reads its environment.

Every setting that differs between machines comes from an environment variable read here, so
that ``base``, ``local``, ``test`` and ``production`` only choose among values and never call
``os.environ`` themselves. The README lists every variable.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer may keep variables in a git-ignored .env file; the real environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("TRILINK_VAR_DIR", default=str(BASE_DIR / "var")))
