"""One module per `modelcard` command: its parser (`register`) and its handler.

The order of `COMMANDS` is the order of `modelcard --help`. Each module imports what its
command needs only inside the handler, so `modelcard --help` stays fast, and `train` and
`evaluate` (in `train.py`) import `training`, and with it TensorFlow, only when they run.
"""

from . import build, check, diff, init, publish, record, runs, sign, train, verify

COMMANDS = (build, runs, record, diff, check, init, publish, sign, verify, train)
