# SPDX-License-Identifier: Apache-2.0
#
# physec_cdc.xdc: timing constraints of the PHYSec clock-domain-crossing primitives
# (rtl/common/physec_cdc_*.sv, physec_rst_sync.sv) for Vivado, written once for every
# instance in a design.  Tcl with loops and procedures, so it is sourced, not read as a
# managed constraints file:
#
#   source syn/physec_cdc.xdc            ;# after create_clock of the top's clocks, e.g. in
#                                        ;# a Tcl hook after synth_design / before place
#   (or: read_xdc -unmanaged syn/physec_cdc.xdc)
#
# The clocks must exist first (create_clock on the top's clock ports); the values below
# are taken from their periods.  Do NOT put clocks whose crossings use these primitives
# into set_clock_groups -asynchronous: clock groups take precedence over set_max_delay
# and would leave the crossings unconstrained.  Give any other crossing between them its
# own constraint (syn/check_cdc.py lists them: there should be none).
#
# What it sets, per instance:
#   physec_cdc_sync      ASYNC_REG on sync_q (all stages);
#   physec_rst_sync      ASYNC_REG on sync_q; false path to their asynchronous set pins
#                        (PRE): the release is synchronous, the assertion has no timing;
#   physec_cdc_fifo      Gray pointers wr_gray_q -> u_w2r, rd_gray_q -> u_r2w:
#                        set_max_delay -datapath_only and set_bus_skew of one source clock
#                        period (so the synchroniser never sees two pointer steps at once);
#                        RAM mem -> rd_data_q: max delay one rd_clk period (a word is read
#                        N+1 rd_clk edges after its write at the earliest);
#   physec_cdc_handshake toggles src_tgl_q -> u_req_sync, dst_tgl_q -> u_ack_sync: max delay
#                        one source period; payload src_data_q -> dst_data_q: max delay one
#                        dst_clk period (stable N dst_clk edges before the capture);
#   physec_cdc_flush     (inside both) req_q / ack_q of each side -> the other side's u_sync:
#                        max delay of the smaller of the two periods.
#
# Names the patterns rely on (keep them when editing the RTL; syn/check_cdc.py uses the
# same ones): the module names above, matched as REF_NAME or ORIG_REF_NAME (Vivado names a
# parameterised copy physec_cdc_sync__parameterized0 and keeps the original in
# ORIG_REF_NAME), so the hierarchy must survive synthesis (-flatten_hierarchy rebuilt,
# the default, or none); the instance names u_w2r, u_r2w, u_req_sync, u_ack_sync,
# u_flush, g_side[0|1].u_sync (a generate block is a name prefix "g_side[0]." in Vivado,
# not a level of hierarchy); the registers sync_q, wr_gray_q, rd_gray_q, rd_data_q,
# src_tgl_q, dst_tgl_q, src_data_q, dst_data_q, req_q, ack_q (Vivado: <name>_reg...,
# <name>_reg[...]) and the RAM mem (mem_reg...).  tb/cdc_check/test_xdc.py runs this file
# in Tcl against stand-ins of those Vivado commands and the cells of a synthesised test
# design (Vivado itself is not available to the tests).

# Hierarchical instances of a module.
proc physec_cdc_insts {module} {
  return [get_cells -quiet -hierarchical -filter "REF_NAME == $module || ORIG_REF_NAME == $module"]
}

# Registers (or RAM cells) of instance inst whose names start with name.
proc physec_cdc_regs {inst name} {
  return [get_cells -quiet "$inst/${name}_reg*"]
}

# The smallest period (ns) of the clocks reaching cells; 0 if none.
proc physec_cdc_period {cells} {
  set p 0
  foreach c [get_clocks -quiet -of_objects [get_pins -quiet -of_objects $cells -filter {IS_CLOCK}]] {
    set cp [get_property PERIOD $c]
    if {$p == 0 || $cp < $p} { set p $cp }
  }
  return $p
}

# set_max_delay -datapath_only from -> to, of the period of the `by` cells' clocks
# (optionally with a bus skew limit of the same value).
proc physec_cdc_max_delay {from to by {skew 0}} {
  if {[llength $from] == 0 || [llength $to] == 0} { return }
  set p [physec_cdc_period $by]
  if {$p == 0} { return }
  set_max_delay -datapath_only -from $from -to $to $p
  if {$skew} { set_bus_skew -from $from -to $to $p }
}

# ---- synchroniser stages
foreach i [physec_cdc_insts physec_cdc_sync] {
  set_property ASYNC_REG TRUE [physec_cdc_regs $i sync_q]
}
foreach i [physec_cdc_insts physec_rst_sync] {
  set ffs [physec_cdc_regs $i sync_q]
  set_property ASYNC_REG TRUE $ffs
  set_false_path -to [get_pins -quiet -of_objects $ffs -filter {REF_PIN_NAME == PRE}]
}

# ---- flush handshakes (both primitives)
foreach i [physec_cdc_insts physec_cdc_flush] {
  foreach x {0 1} {
    set y [expr {1 - $x}]
    # Generate blocks are not hierarchy in Vivado: their names are prefixes "g_side[x]."
    set from [concat [get_cells -quiet "$i/g_side\[$y\].req_q_reg*"] [get_cells -quiet "$i/g_side\[$y\].ack_q_reg*"]]
    set to   [physec_cdc_regs "$i/g_side\[$x\].u_sync" sync_q]
    physec_cdc_max_delay $from $to [concat $from $to]
  }
}

# ---- asynchronous FIFOs
foreach i [physec_cdc_insts physec_cdc_fifo] {
  set wg [physec_cdc_regs $i wr_gray_q]
  set rg [physec_cdc_regs $i rd_gray_q]
  physec_cdc_max_delay $wg [physec_cdc_regs $i/u_w2r sync_q] $wg 1
  physec_cdc_max_delay $rg [physec_cdc_regs $i/u_r2w sync_q] $rg 1
  set rd [physec_cdc_regs $i rd_data_q]
  physec_cdc_max_delay [physec_cdc_regs $i mem] $rd $rd
}

# ---- request/acknowledge handshakes
foreach i [physec_cdc_insts physec_cdc_handshake] {
  set st [physec_cdc_regs $i src_tgl_q]
  set dt [physec_cdc_regs $i dst_tgl_q]
  physec_cdc_max_delay $st [physec_cdc_regs $i/u_req_sync sync_q] $st
  physec_cdc_max_delay $dt [physec_cdc_regs $i/u_ack_sync sync_q] $dt
  set dd [physec_cdc_regs $i dst_data_q]
  physec_cdc_max_delay [physec_cdc_regs $i src_data_q] $dd $dd
}
