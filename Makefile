# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test install assets migrate demo worker beat bench clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip > $(VENV)/pip.log 2>&1
	$(BIN)/pip install --quiet -e '.[test]' >> $(VENV)/pip.log 2>&1 || (tail -20 $(VENV)/pip.log; exit 1)
	touch $(BIN)/activate

install: $(BIN)/activate

assets:
	bash scripts/build-assets.sh

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo-data

## Start the app on the embedded default (SQLite, in-process tasks, mail to instance/mail) with demo data.
run: install assets demo
	@echo "Open http://127.0.0.1:$(PORT)/ and sign in as team@demo.example with demo-password-2026"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## Run the whole suite against real PostgreSQL, Redis, IMAP, SMTP and Chromium, then on SQLite.
test: install assets
	bash scripts/run-tests.sh

## Benchmarks (bench/README.md): BENCH_SIZE=tiny|10k|100k|1m, BENCH_DATABASE_URL or TEST_DATABASE_URL.
bench: install
	@for script in bench/[a-z]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

worker: install
	FEEDBACK_CONFIG=production $(BIN)/celery -A workers.celery_app worker --loglevel=info

beat: install
	FEEDBACK_CONFIG=production $(BIN)/celery -A workers.celery_app beat --loglevel=info

clean:
	rm -rf $(VENV) node_modules feedback_app/static/build instance
