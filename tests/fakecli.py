"""The real ``callreview`` command line with stand-in models, run as its own process by the fault suite.

    python -m tests.fakecli run INBOX --out OUT ...

Everything but the models is the product's own: intake, catalog, reports, errors, exit codes.
"""

from __future__ import annotations

import pipeline.batch
from pipeline.cli import app
from pipeline.engines import Engines

from .conftest import FakeChannelDiarizer, FakeDiarizer, FakeTranscriber


def _stand_in_engines(options) -> Engines:
    return Engines(options, FakeTranscriber(), FakeDiarizer(), FakeChannelDiarizer())


pipeline.batch.Engines = _stand_in_engines

if __name__ == "__main__":
    app(prog_name="callreview")
