// SPDX-License-Identifier: Apache-2.0
//
// physec_cdc_sync: bit synchroniser, a chain of STAGES flip-flops per bit in the
// destination clock (the first one is the only flop whose input is asynchronous).
//
//   clk            destination clock.
//   d[WIDTH-1:0]   asynchronous input.  CDC assumptions, which the callers guarantee
//                  (syn/check_cdc.py checks the first two on a netlist):
//                  - every bit comes straight from a flip-flop of one source domain (no
//                    logic in between: a glitch would be sampled);
//                  - sync_q is used only by the next stage of the chain;
//                  - the bits are synchronised independently: a multi-bit value crosses
//                    intact only if at most one bit changes in a source clock (a Gray
//                    code, with the bits' skew constrained to one source period: the
//                    set_max_delay of syn/physec_cdc.xdc) or if it is held stable while a
//                    synchronised qualifier says so.
//                  A 1-bit d needs a Verilator lint waiver at its flop (see the model below).
//   q[WIDTH-1:0]   d as the last stage holds it.
//
// Latency: a change of d that settles before a clk edge E is in q from the
// (STAGES-1)-th edge after E on (STAGES edges counting E).  If d changes so close to E
// that the first stage goes metastable, it resolves to the old or the new value: the
// change then shows one edge later at worst.  In time: q follows d within
// STAGES + 1 clk periods.
//
// Bit order: q[i] is d[i].  No reset: a synchroniser holds no state of its own (after
// STAGES clocks q is d again); its users reset what they derive from q.  Register name
// `sync_q` (stage s = sync_q[s], bits WIDTH*s .. WIDTH*s+WIDTH-1 of the flattened
// register) is what syn/physec_cdc.xdc (ASYNC_REG, max delay) and syn/check_cdc.py
// look for: keep it.
//
// Simulation only (`ifndef SYNTHESIS): the stages start at 0 (flip-flops power up at
// some value; a 4-state simulator's X would stay forever in a handshake's feedback loop),
// and a model of metastability, off unless the
// simulator is started with +physec_cdc_meta=<window in ps>: a bit of d that changed
// less than the window before a clk edge is sampled as its old or its new value at
// random (xorshift32 seeded by +physec_cdc_seed=<n>, default 1), as a metastable first
// stage resolves either way.  This makes a crossing that is not one-bit-at-a-time (a
// binary counter, a word without a qualifier) fail in simulation.  Timescale: the
// window is compared in whole ps whatever the simulator's time unit; a change from X
// (power-up) is not randomised.

`default_nettype none

/* verilator lint_off MULTITOP */
module physec_cdc_sync #(
  parameter int WIDTH  = 1,
  parameter int STAGES = 2
) (
  input  wire logic             clk,
  input  wire logic [WIDTH-1:0] d,
  output logic      [WIDTH-1:0] q
);
/* verilator lint_on MULTITOP */

  if (WIDTH < 1 || STAGES < 2) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_cdc_sync: WIDTH >= 1 and STAGES >= 2 required, got %0d, %0d", WIDTH, STAGES);
`else
    $fatal(1, "physec_cdc_sync: WIDTH >= 1 and STAGES >= 2 required, got %0d, %0d", WIDTH, STAGES);
`endif
  end

  localparam int S = (STAGES < 2) ? 2 : STAGES;     // a bad STAGES reaches the $fatal

  (* ASYNC_REG = "TRUE" *) logic [S-1:0][WIDTH-1:0] sync_q;

`ifndef SYNTHESIS
  // ---- metastability model (see the header)
  int unsigned      meta_ps;                  // 0: off
  int unsigned      rng;
  realtime          t_chg [WIDTH];            // when bit i last changed
  logic [WIDTH-1:0] d_last, d_old;            // bit i before that change
  localparam realtime PS = 1ps;               // 1 ps in this module's time unit

  initial begin
    if (!$value$plusargs("physec_cdc_meta=%d", meta_ps)) meta_ps = 0;
    if (!$value$plusargs("physec_cdc_seed=%d", rng)) rng = 1;
    if (rng == 0) rng = 1;
    for (int i = 0; i < WIDTH; i++) t_chg[i] = -1.0e30;
    sync_q = '0;        // flops power up at some value; X would never leave a feedback loop
  end

  // Runs whenever d changes.  Verilator's lint takes this event control for an
  // asynchronous use of d's source flop when that is a single bit (SYNCASYNCNET at its
  // declaration): waive it there, as physec_cdc_handshake does.
  always @(d) begin
    for (int i = 0; i < WIDTH; i++)
      if (d[i] !== d_last[i]) begin
        d_old[i] = d_last[i];
        t_chg[i] = $realtime;
      end
    d_last = d;
  end

  // What the first stage samples at this edge (d_last is d as it was before the edge).
  function automatic logic [WIDTH-1:0] resolve();
    logic [WIDTH-1:0] v = d_last;
    if (meta_ps != 0)
      for (int i = 0; i < WIDTH; i++)
        if ($realtime - t_chg[i] < (real'(meta_ps) - 0.5) * PS && !$isunknown(d_old[i])) begin
          rng ^= rng << 13;
          rng ^= rng >> 17;
          rng ^= rng << 5;
          if (rng[0]) v[i] = d_old[i];
        end
    return v;
  endfunction
`endif

  always_ff @(posedge clk) begin
`ifdef SYNTHESIS
    sync_q[0] <= d;
`else
    sync_q[0] <= resolve();
`endif
    for (int s = 1; s < S; s++) sync_q[s] <= sync_q[s-1];
  end

  assign q = sync_q[S-1];

endmodule

`default_nettype wire
