# Two commands work on a fresh machine: `make demo` and `make test` (each creates .venv first).
# .venv is installed from requirements.lock (every package at an exact version, dev extras included);
# `make lock` regenerates the lock from pyproject.toml and constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
LOCK_ARGS ?=
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
DEMO_VOCAB := Sean Baker, Red Rocket, Simon Rex

.PHONY: demo test lint bench install lock check-lock clean

# pip-sync removes what an older lock installed and this one no longer has; the project itself goes in
# last, without dependencies, so nothing outside the lock is installed.
$(STAMP): pyproject.toml constraints.txt $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/pip-sync --quiet $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# pip-compile reads pip's configuration, so it finds torch's CPU build in /opt/wheels (2.13.0+cpu); the
# local label is stripped so the pin reads torch==2.13.0, which that wheel satisfies and pip prefers.
# Upgrade one package: make lock LOCK_ARGS="--upgrade-package NAME".
lock: $(STAMP)
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --extra dev --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links -c constraints.txt $(LOCK_ARGS) -o $(LOCK) pyproject.toml
	sed -i -E 's/^([A-Za-z0-9._-]+==[^+[:space:]]+)\+[^[:space:]]+/\1/' $(LOCK)

# .venv holds exactly the lock: `pip freeze --all --exclude-editable` against requirements.lock.
check-lock: $(STAMP)
	TRANSCRIPTS_CHECK_LOCK=1 $(BIN)/python -m pytest -q tests/test_lock.py

demo: $(STAMP)
	@id=$$($(BIN)/transcripts ingest media/sample_interview.mp3 --title "Sample interview: Red Rocket" \
	    --vocab "$(DEMO_VOCAB)" --interviewer "Joey Magidson" --people "Sean Baker" --json | $(BIN)/python -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])') \
	  && $(BIN)/transcripts show $$id && echo && $(BIN)/transcripts speakers $$id \
	  && echo && $(BIN)/transcripts topics $$id \
	  && echo && echo '$$ transcripts search "how did you choose the actors"' \
	  && $(BIN)/transcripts search "how did you choose the actors" --transcript $$id --limit 3

# Then the speech-marked tests again with whisper at float32, whose words differ from int8's as another CPU's
# kernels would make them differ (tests/test_asr.py shows that they do): none may lean on exact words.
test: $(STAMP)
	TRANSCRIPTS_TEST_PG=$(PG_URL) $(BIN)/python -m pytest -q
	TRANSCRIPTS_TEST_PG=$(PG_URL) $(BIN)/python -m pytest -q -m speech --second-pass

lint: $(STAMP)
	$(BIN)/ruff check transcripts tests bench media
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/models.py
	$(BIN)/python bench/diarization.py
	$(BIN)/python bench/speakers.py
	$(BIN)/python bench/topics.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/reader.py
	$(BIN)/python bench/workers.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
