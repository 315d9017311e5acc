# Two commands on a fresh machine: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_OUT := out/demo

.PHONY: setup demo test test-fast eval clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(VENV)/bin/callreview models --prepare
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(VENV)/bin/callreview run sample_calls --out $(DEMO_OUT)
	$(VENV)/bin/callreview show $(DEMO_OUT)
	@echo "Results: $(DEMO_OUT)/<call id>/analysis.json and diarization.rttm (one folder per call)"

test: setup
	$(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -q -m "not integration"

eval: setup
	$(VENV)/bin/callreview eval --out out/eval --readme README.md

clean:
	rm -rf $(VENV) out models/whisper
