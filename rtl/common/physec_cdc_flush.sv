// SPDX-License-Identifier: Apache-2.0
//
// physec_cdc_flush: the reset handshake of a two-clock primitive (physec_cdc_fifo,
// physec_cdc_handshake): a reset in either domain flushes both sides, and neither side
// ever interprets the other's crossing state (a pointer, a toggle) while it is being
// cleared.  Side 0 is port a_*, side 1 b_*; the protocol is symmetric.
//
//   a_clk, a_rst      side 0's clock and synchronous reset (active high).
//   a_flush           side 0 must not operate at this edge (no push / pop / take), and
//                     shows itself busy; combinational from registers and a_rst.
//   a_clear           side 0 clears its crossing state at this edge; only while a_flush.
//   b_*               the same for side 1.
//
// Protocol (per side X, remote Y; four-phase, both sides may start one at once):
//   X's reset sets "pending"; a pending X raises req_X as soon as Y's ack is low (during
//   the reset already), holds it through the reset and until it sees ack_Y, and clears
//   at that edge.  Y, seeing req_X, flushes, clears at that edge and raises ack_Y
//   (ack_Y = req_X as Y sees it, never forced: a low ack must mean "Y saw req_X low", or
//   X would start its next handshake on a stale ack).  X drops req_X; Y, seeing it low,
//   drops ack_Y; X leaves its flush when it sees ack_Y low.
//   flush_X = rst_X | pending_X | req_X | ack_X | req_Y seen | ack_Y seen.
//   clear_X = req_Y seen | ack_X | (req_X & ack_Y seen): X clears only while Y is known to
//   be flushing (so Y ignores X's crossing state while it jumps to its reset value), and
//   each side clears at least once per handshake, before it leaves.  The requester leaves
//   last; the remote leaves one edge after it saw req_X low, by when X's cleared state
//   (launched at the edge req_X fell) has crossed too, even if that synchroniser
//   resolved one edge later.
//
// Timing (N = SYNC_STAGES, Tx = side X's clock period): after the end of a reset at X,
// both sides are idle again within about 2 (N + 2) (T_X + T_Y), twice that if X's reset
// came while the previous handshake's ack was still high.
//
// Power-up: assert both resets together, overlapping for at least 2 (N + 2) periods of
// the slower clock.  From any power-up state of the flops, both sides then hold req and
// ack high (a reset holds req; the ack follows it), and the handshake ends once the
// resets are released; the crossing state is cleared while the other side flushes.  In
// simulation the registers start at 0 (`initial`, and physec_cdc_sync's stages), as a
// 4-state simulator's X would never leave this loop.  After that either reset may come
// at any time, alone or with the other, as often as it likes.
//
// The four crossing bits (req, ack each way) are levels, each through its own
// synchroniser bit (physec_cdc_sync: `u_sync` in g_side[0] (b to a) and g_side[1] (a to b)).

`default_nettype none

/* verilator lint_off MULTITOP */
module physec_cdc_flush #(
  parameter int SYNC_STAGES = 2
) (
  input  wire logic a_clk,
  input  wire logic a_rst,
  output logic      a_flush,
  output logic      a_clear,
  input  wire logic b_clk,
  input  wire logic b_rst,
  output logic      b_flush,
  output logic      b_clear
);
/* verilator lint_on MULTITOP */

  if (SYNC_STAGES < 2) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_cdc_flush: SYNC_STAGES >= 2 required, got %0d", SYNC_STAGES);
`else
    $fatal(1, "physec_cdc_flush: SYNC_STAGES >= 2 required, got %0d", SYNC_STAGES);
`endif
  end

  wire logic [1:0] clk = {b_clk, a_clk};
  wire logic [1:0] rst = {b_rst, a_rst};
  wire logic [1:0] req, ack, flush, clear;     // bit x: side x's registers and outputs

  for (genvar x = 0; x < 2; x++) begin : g_side
    localparam int Y = 1 - x;
    logic       req_q, ack_q, pend_q;
    logic [1:0] seen;                           // {ack_Y, req_Y} in this side's clock
    wire logic  r_req = seen[0];
    wire logic  r_ack = seen[1];

    physec_cdc_sync #(.WIDTH(2), .STAGES(SYNC_STAGES)) u_sync (
      .clk(clk[x]), .d({ack[Y], req[Y]}), .q(seen));

    // Raise only while the remote's ack is low (a stale ack of the last handshake must
    // not be taken for this one); hold through the reset and until the ack.
    wire logic req_next = req_q ? (rst[x] || !r_ack) : ((pend_q || rst[x]) && !r_ack);

    always_ff @(posedge clk[x]) begin
      req_q  <= req_next;
      pend_q <= !req_next && (pend_q || rst[x]);
      ack_q  <= r_req;            // never forced: a low ack means "I saw your req low"
    end

`ifndef SYNTHESIS
    // Flip-flops power up at random in hardware, and from any state the handshake
    // settles while both resets are held (see the header); a 4-state simulator would
    // keep X in this loop instead, so the simulation starts from one such state.
    initial begin
      req_q  = 1'b0;
      ack_q  = 1'b0;
      pend_q = 1'b0;
    end
`endif

    assign req[x]   = req_q;
    assign ack[x]   = ack_q;
    assign flush[x] = rst[x] || pend_q || req_q || ack_q || r_req || r_ack;
    assign clear[x] = r_req || ack_q || (req_q && r_ack);
  end

  assign a_flush = flush[0];
  assign a_clear = clear[0];
  assign b_flush = flush[1];
  assign b_clear = clear[1];

endmodule

`default_nettype wire
