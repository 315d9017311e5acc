# Two commands on a fresh machine: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_OUT := out/demo
DEMO_INBOX := out/demo-inbox

.PHONY: setup demo test test-fast eval bench reports clean workspace-load

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(VENV)/bin/callreview models --prepare
	touch $(STAMP)

setup: $(STAMP)

demo: setup  ## the sample calls as a manager's drop folder (two reps, two weeks, a voicemail and a no-answer)
	$(PY) scripts/demo_inbox.py $(DEMO_INBOX)
	$(VENV)/bin/callreview run $(DEMO_INBOX) --out $(DEMO_OUT) --settle 0
	$(VENV)/bin/callreview show $(DEMO_OUT)
	@echo "Reports: open $(DEMO_OUT)/index.html in a browser (one report.html per call, playable from file://); the team's activity: $(DEMO_OUT)/team.html."
	@echo "Per call in $(DEMO_OUT)/<call id>/: analysis.json, report.html, transcript.vtt/.md, diarization.rttm, audio.mp3"

test: setup
	$(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -q -m "not integration"

reports: setup  ## rebuild every report of the demo from its analysis.json (no models)
	$(VENV)/bin/callreview report $(DEMO_OUT)

bench: setup  ## pipeline / bare ASR and per-stage time on the sample and traffic-shaped calls, 5-, 20- and 60-minute calls, --jobs and Ray throughput, the targets; writes out/bench/bench.md and the README table
	$(VENV)/bin/callreview bench --out out/bench --engine faster --repeat 2 --ray-workers 1 --ray-workers 2 --readme README.md

eval: setup
	$(VENV)/bin/callreview eval --out out/eval --readme README.md --outcomes outcome_calls

clean:
	rm -rf $(VENV) out models/whisper models/ct2

workspace-load: setup  ## 50 signed-in users on the review workspace for 60 s over the demo output; the README's figures
	test -d $(DEMO_OUT) || $(MAKE) demo
	$(PY) scripts/workspace_load.py $(DEMO_OUT) --users 50 --seconds 60 --readme README.md
