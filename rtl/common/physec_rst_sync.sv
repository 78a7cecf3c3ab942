// SPDX-License-Identifier: Apache-2.0
//
// physec_rst_sync: reset synchroniser, asynchronous assertion, synchronous release.
//
//   clk       the clock of the domain the reset is for.
//   rst_in    asynchronous reset request, active high, from anywhere (a pad, a power-on
//             detector, another clock domain's register).  Glitch-free is the caller's
//             duty: any pulse, however short, resets the domain.
//   rst_out   active high, from the last stage's flip-flop.  It rises with rst_in, at
//             once and without a clock (the flops' asynchronous set), so a domain whose
//             clock is stopped is reset too; it falls only at a clk rising edge: the
//             STAGES-th edge after rst_in fell (STAGES+1-th if rst_in fell so close to
//             the first of them that the first stage went metastable and resolved to
//             "reset").  A pulse of rst_in of any length gives rst_out = 1 for at least
//             STAGES - 1 whole clk periods.
//
// CDC assumptions: rst_in is asynchronous to clk (its removal is the only timing arc
// that is not checked: syn/physec_cdc.xdc gives it a false path to the flops' set pins);
// everything in the domain uses rst_out as a synchronous reset (or as an asynchronous
// one whose release, being synchronous here, meets recovery/removal timing).  Register
// name `sync_q` (all STAGES flops, ASYNC_REG) is what syn/physec_cdc.xdc and
// syn/check_cdc.py look for.
//
// Simulation only: with +physec_cdc_meta=<window in ps> (see physec_cdc_sync) a release
// of rst_in less than the window before a clk edge leaves the first stage set or clears
// it at random.

`default_nettype none

/* verilator lint_off MULTITOP */
module physec_rst_sync #(
  parameter int STAGES = 2
) (
  input  wire logic clk,
  input  wire logic rst_in,
  output logic      rst_out
);
/* verilator lint_on MULTITOP */

  if (STAGES < 2) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_rst_sync: STAGES >= 2 required, got %0d", STAGES);
`else
    $fatal(1, "physec_rst_sync: STAGES >= 2 required, got %0d", STAGES);
`endif
  end

  localparam int S = (STAGES < 2) ? 2 : STAGES;

  (* ASYNC_REG = "TRUE" *) logic [S-1:0] sync_q;

`ifndef SYNTHESIS
  int unsigned meta_ps;
  int unsigned rng;
  realtime     t_fall;                      // when rst_in last fell
  localparam realtime PS = 1ps;

  initial begin
    if (!$value$plusargs("physec_cdc_meta=%d", meta_ps)) meta_ps = 0;
    if (!$value$plusargs("physec_cdc_seed=%d", rng)) rng = 1;
    if (rng == 0) rng = 1;
    t_fall = -1.0e30;
  end

  always @(negedge rst_in) t_fall <= $realtime;

  // The first stage's next value: 0, or 1 if the release just before this edge did
  // not make it.
  function automatic logic resolve();
    if (meta_ps == 0 || $realtime - t_fall >= (real'(meta_ps) - 0.5) * PS) return 1'b0;
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng[0];
  endfunction
`endif

  always_ff @(posedge clk or posedge rst_in) begin
    if (rst_in) begin
      sync_q <= '1;
    end else begin
`ifdef SYNTHESIS
      sync_q[0] <= 1'b0;
`else
      sync_q[0] <= resolve();
`endif
      for (int s = 1; s < S; s++) sync_q[s] <= sync_q[s-1];
    end
  end

  assign rst_out = sync_q[S-1];

endmodule

`default_nettype wire
