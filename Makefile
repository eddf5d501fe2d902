# Two commands work on a fresh machine: `make demo` and `make test` (each creates .venv first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
DEMO_VOCAB := Sean Baker, Red Rocket, Simon Rex

.PHONY: demo test lint bench install clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@id=$$($(BIN)/transcripts ingest media/sample_interview.mp3 --title "Sample interview: Red Rocket" \
	    --vocab "$(DEMO_VOCAB)" --interviewer "Joey Magidson" --people "Sean Baker" --json | $(BIN)/python -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])') \
	  && $(BIN)/transcripts show $$id && echo && $(BIN)/transcripts speakers $$id \
	  && echo && $(BIN)/transcripts topics $$id \
	  && echo && echo '$$ transcripts search "how did you choose the actors"' \
	  && $(BIN)/transcripts search "how did you choose the actors" --transcript $$id --limit 3

test: $(STAMP)
	TRANSCRIPTS_TEST_PG=$(PG_URL) $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check transcripts tests bench media
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/models.py
	$(BIN)/python bench/diarization.py
	$(BIN)/python bench/topics.py
	$(BIN)/python bench/search.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
