// SPDX-License-Identifier: Apache-2.0
//
// physec_ghash: GHASH_H (NIST SP 800-38D 6.4) at up to two 128-bit blocks per
// clock, for the PHYSec security stage.  Over any sequence of beats, `out` = the
// model's physec.gcm.ghash(GhashKey(H), blocks) of the blocks in order.
//
// Bit order: a block is 16 bytes; `logic [127:0] x` holds byte 0 in x[127:120]
// (the model's int.from_bytes(block, "big")).  GCM's field element is
// reflected: the coefficient of x^0 is x[127], of x^i is x[127-i]; multiplying
// by x is a right shift with reduction constant R = 8'hE1 << 120 (see
// physec_gf128_pkg).  A beat carries two blocks in line order (spec 2.1: the
// first byte in the top bits): X1, the earlier block, in in_data[255:128] and
// X2 in in_data[127:0]; in_valid[i] qualifies in_data[128*i +: 128].
//
// Per beat (the message's running GHASH is Y):
//   in_valid 2'b11:  Y <- (Y ^ X1) * H^2 ^ X2 * H       (two blocks, X1 first)
//   in_valid 2'b10:  Y <- (Y ^ X1) * H                  (one block, X1)
//   in_valid 2'b01:  Y <- (Y ^ X2) * H                  (one block, X2)
//   in_valid 2'b00:  Y unchanged (bubble; in_data ignored)
// The two-block step is two one-block steps: ((Y ^ X1) H ^ X2) H, expanded.
// One-block beats may come anywhere in a message (e.g. after an odd number of
// AAD blocks, or an odd last block).  start = 1 marks the first beat of a
// message: Y counts as 0 before that beat.  start with in_valid = 0 just clears Y.
//
// Ports:
//   in_valid, in_data, start   a beat, as above.
//   h_load, h_in   install the hash key H = E_K(0^128) (from the AES engine).
//                  H^2 is computed in the next clock (a squarer: squaring is
//                  linear in GF(2^128), no multiplier needed).
//   ready          1: H and H^2 are installed.  0 after reset (no key) and in
//                  the clock after h_load.  Beats presented while ready = 0 or
//                  together with h_load are ignored (as if in_valid = 0), so a
//                  message must not straddle a key install.
//   out            Y.  A beat (and start) presented in clock c is in `out` from
//                  clock c + LATENCY on (LATENCY = 2: an input register and the
//                  Y register); with no further beats `out` holds.
//   rst            active-high, synchronous; clears Y, ready and the pending beat, and
//                  zeroises H, H^2 and the operand registers.
//   clr            zeroise (key erase, spec 6.4): H, H^2, Y and the operands to 0, ready kept.
//
// Timing (the known hard path of the security stage):
//   The feedback loop is
//     Y -> AND(!start), XOR a -> multiplier (x K) -> XOR (b * H) -> Y
//   with K = H^2 or H chosen into a register one clock earlier (no mux in the
//   loop) and b * H from a second, feed-forward multiplier working in parallel.
//   Logic depth: 2 gate levels before the multiplier, its 1 AND2 + 10 XOR2
//   (physec_gf128_mul), 1 XOR2 after it, and the Y register's load enable /
//   clear: about 14 levels of 2-input gates, plus fan-out 128 on every bit of
//   Y ^ a and of K.  With 6-input LUTs about 6-7 levels.  At the line clock
//   (256 bits per clock, 2570 clocks per frame: about 413 MHz) that is easy in
//   a recent ASIC node and unlikely to close on an FPGA.
//   The loop has to close in one clock, so its multiplier is combinational
//   (STAGES = 0).  If it does not close, in order of effort:
//   * Matrix form: at key install store the 128 columns x^i * H^2 (16,384
//     flip-flops); (Y ^ a) * H^2 is then 128 AND-XOR trees with the reduction
//     folded in (3 XOR levels less).  One-block beats need H's columns as
//     well (32,768 flip-flops in all) and a per-beat choice between them.
//   * Interleaving (the usual answer): with an L-stage multiplier in the loop,
//     L accumulators are in flight, lane p mod L taking pair p:
//     A <- A * H^(2L) ^ (X1 * H^2 ^ X2 * H), the pair term from feed-forward
//     pipelined multipliers.  The loop registers advance only on beats, so
//     bubbles cost nothing.  At the end of a message the lanes' unmultiplied
//     values (a copy travels beside the multiplier) combine as
//     GHASH = sum_d A_d * H^(2d), d = pairs after lane d's last one, with the
//     powers of H computed at install; an odd last block is one more step
//     (Y ^ X) * H.  Costs: L-1 or more extra clocks before the result, a
//     `last` input and an out_valid, the powers of H, and one-block beats only
//     as the first or last beat of a message: a one-block beat in the middle
//     changes every lane's weight, so the caller must pair the 5 AAD blocks
//     of a frame with the first ciphertext block (a 128-bit skew through the
//     whole payload).  Not implemented here.
//
// Area: two 128 x 128 multipliers (16,384 AND2 + about 16,600 XOR2 each), a
// squarer (about 200 XOR2), registers for H, H^2, Y and the input stage
// (a, b, K: 3 x 128) and a few control bits.

`default_nettype none

// A standalone block: `make lint` passes all of rtl/ to one Verilator call, where
// every such block is a top level module by design.
/* verilator lint_off MULTITOP */
module physec_ghash (
  input  wire logic         clk,
  input  wire logic         rst,
  input  wire logic         clr,
  // key install
  input  wire logic         h_load,
  input  wire logic [127:0] h_in,
  output logic              ready,
  // message
  input  wire logic         start,
  input  wire logic [1:0]   in_valid,
  input  wire logic [255:0] in_data,
  output logic [127:0]      out
);
/* verilator lint_on MULTITOP */

  import physec_gf128_pkg::*;

  // ---- Key registers.  H loads at h_load; H^2 follows one clock later from the
  // H register (a register-to-register path, not from the h_in port).
  logic [127:0] h_q, h2_q;
  logic         h2_pending;

  always_ff @(posedge clk) begin
    if (rst) begin
      ready      <= 1'b0;
      h2_pending <= 1'b0;
    end else if (h_load) begin
      ready      <= 1'b0;
      h2_pending <= 1'b1;
    end else if (h2_pending) begin
      ready      <= 1'b1;
      h2_pending <= 1'b0;
    end
  end

  // Key material: zero after reset and clr (key erase), which keeps ready: a message
  // in progress goes on with H = 0 (its caller fails it).
  wire logic zero = rst || clr;

  always_ff @(posedge clk) begin
    if (zero) begin
      h_q  <= '0;
      h2_q <= '0;
    end else begin
      if (h_load)     h_q  <= h_in;
      if (h2_pending) h2_q <= gf128_square(h_q);
    end
  end

  // ---- Input stage.  Registering the beat keeps the ports out of the loop and
  // lets the multiplier operand K (H^2 for two blocks, H for one) come straight
  // from a flip-flop instead of through a mux in the loop.
  wire logic       accept = ready && !h_load;
  wire logic [1:0] v      = accept ? in_valid : 2'b00;
  wire logic       pair   = &v;

  logic         beat_q, start_q;
  logic [127:0] a_q;      // the block XORed into Y (X1, or the single block)
  logic [127:0] b_q;      // the block multiplied by H alone (X2, or 0)
  logic [127:0] k_q;      // the multiplier for (Y ^ a): H^2 or H

  always_ff @(posedge clk) begin
    if (rst) begin
      beat_q  <= 1'b0;
      start_q <= 1'b0;
    end else begin
      beat_q  <= |v;
      start_q <= start;
    end
  end

  // Data registers load every clock (beat_q qualifies them); zeroised with the key.
  always_ff @(posedge clk) begin
    a_q <= zero ? '0 : v[1] ? in_data[255:128] : in_data[127:0];
    b_q <= (zero || !pair) ? '0 : in_data[127:0];
    k_q <= zero ? '0 : pair ? h2_q : h_q;
  end

  // ---- The loop.  y_next = ((start ? 0 : Y) ^ a) * K ^ b * H.
  logic [127:0] y_q;
  wire logic [127:0] y_in = (y_q & {128{!start_q}}) ^ a_q;
  wire logic [127:0] p_loop, p_ff;
  // Combinational multipliers: their valid outputs just mirror in_valid = 1.
  wire logic         unused_valid_loop, unused_valid_ff;

  physec_gf128_mul #(.STAGES(0)) u_mul_loop (
    .clk      (clk),
    .rst      (rst),
    .in_valid (1'b1),
    .in_x     (y_in),
    .in_y     (k_q),
    .out_valid(unused_valid_loop),
    .out_z    (p_loop)
  );

  // Feed-forward: b * H does not depend on Y; it runs in parallel with the loop
  // multiplier and joins in the final XOR.
  physec_gf128_mul #(.STAGES(0)) u_mul_ff (
    .clk      (clk),
    .rst      (rst),
    .in_valid (1'b1),
    .in_x     (b_q),
    .in_y     (h_q),
    .out_valid(unused_valid_ff),
    .out_z    (p_ff)
  );

  always_ff @(posedge clk) begin
    if (zero) begin
      y_q <= '0;
    end else if (beat_q) begin
      y_q <= p_loop ^ p_ff;
    end else if (start_q) begin
      y_q <= '0;
    end
  end

  assign out = y_q;

  // ---- Properties (SVA): proven by formal/run.py (FORMAL), checked in simulation
  // (Verilator builds with --assert); not in synthesis, nor in Icarus 11 (no concurrent
  // assertions).
`ifndef PHYSEC_SVA
`ifdef FORMAL
`define PHYSEC_SVA
`elsif SYNTHESIS
`elsif __ICARUS__
`else
`define PHYSEC_SVA
`endif
`endif
`ifdef PHYSEC_SVA
  // Zeroisation: after rst or clr no H, H^2, operand or running GHASH is left.
  // Starts at 0 (the initial state formal assumes): no check before the first clear.
  logic sva_zero_q;
  initial sva_zero_q = 1'b0;
  always_ff @(posedge clk) sva_zero_q <= zero;
  always @(posedge clk) begin
    if (sva_zero_q) zeroised: assert ({h_q, h2_q, a_q, b_q, k_q, y_q} == '0)
      else $error("physec_ghash: key material after reset or clr");
  end
`endif

endmodule

`default_nettype wire
