// SPDX-License-Identifier: Apache-2.0
//
// physec_aes_pipe: fully pipelined AES encryption (FIPS-197 5.1, Cipher()),
// AES-256 and AES-128, one 128-bit block per clock, fixed latency, with an
// opaque sideband tag carried alongside each block (e.g. a counter index, so
// the GCM keystream logic can label keystream blocks).  Round keys come from
// physec_aes_keyexp (same RPR), which may feed several pipes.
//
// Bit and byte order (FIPS-197 notation; see physec_aes_pkg):
//   in_blk / out_blk   the 16 bytes in[0..15] / out[0..15] of FIPS-197 3.4,
//                      byte k in blk[127-8k -: 8] (byte 0 in blk[127:120]):
//                      SP 800-38D's block-as-integer, the model's
//                      int.from_bytes(block, "big").
//   round_keys, rk_len from physec_aes_keyexp (slot j in round_keys[128*j +: 128]).
//   in_tag / out_tag   opaque, TAG_W bits, returned unchanged with the block.
//
// Timing:
//   A block is taken at a rising edge with in_valid = 1 and key_ready = 1;
//   out_valid / out_blk / out_tag show it LATENCY = 1 + 14*RPR clocks later
//   (15 for RPR = 1, 29 for RPR = 2), for both key lengths, registered
//   outputs.  No back-pressure: one block per clock, every clock.
//   The pipe reads slot j of round_keys exactly RPR*j clocks after taking a
//   block (slot 0 and rk_len at the taking edge), which is what makes
//   physec_aes_keyexp's hitless key install work: each block is encrypted
//   with exactly one key (the last one accepted at an edge before the block's).
//   in_valid = 1 while key_ready = 0 (no key since reset) is a protocol
//   error: the block is dropped (never comes out) and in_drop = 1 one clock
//   later.  rst (active-high, synchronous) clears the valid pipeline and
//   in_drop and zeroises the state registers (rounds of a keystream in flight).
//   clr zeroises the state registers only (key erase, spec 6.4): the valid bits
//   and tags go on, so a caller that counts blocks stays in step, and the blocks
//   in flight come out as functions of zeros and the round keys (which
//   physec_aes_keyexp clears in the same clock).  The tag registers are not
//   reset (they mean something only with out_valid).
//
// AES-128 in the AES-256 pipeline: the stage of round j (j = 1..14) uses slot j.
// An AES-128 block (rk_len = KEY_LEN_128 when it was taken; the flag travels
// with the block) passes round stages 1..4 unchanged and then does its rounds
// 1..10 in stages 5..14 with slots 5..14, so the last round (no MixColumns)
// is always stage 14 and latency and key timing are the same for both key
// lengths.  Only stages 1..4 have the pass-through 2:1 mux.
//
// Pipeline (RPR = registers per round, 1 or 2):
//   stage 0            st[0] = in_blk ^ slot 0                (AddRoundKey 0)
//   RPR = 1, j < 14    st[j] = MixColumns(ShiftRows(SubBytes(st[j-1]))) ^ slot j
//   RPR = 1, j = 14    st[14] = ShiftRows(SubBytes(st[13])) ^ slot 14
//   RPR = 2            h[j] = ShiftRows(SubBytes(st[j-1])); st[j] = MixColumns(h[j])
//                      ^ slot j (no MixColumns for j = 14)
//   (each st[j] / h[j] for j = 1..4 with the pass-through mux in front.)
//
// Critical path per stage (register to register; ShiftRows is wiring):
//   stage 0:        one XOR (plus the input ports' own path).
//   RPR = 1:        S-box -> MixColumns -> AddRoundKey (-> pass mux, j <= 4).
//                   The worst stages are 1..13: an 8-input S-box (FPGA: one
//                   LUT6 level + MUXF7/MUXF8 per bit, or 2 LUT levels) followed
//                   by an XOR of up to 8 bits per output bit (7 from
//                   MixColumns, 1 round key bit: 2 LUT6 levels; the pass mux
//                   fits in the second level), so about 3-4 LUT levels.
//                   Stages 1..4 are the critical ones if the mux does not merge.
//   RPR = 2:        first half S-box (+ mux), second half MixColumns + AddRoundKey
//                   (+ mux): about 2 LUT levels each; stage 14's second half is
//                   AddRoundKey only.
//   The round keys are quasi-static registers (they change only at a key
//   install) but are timed as ordinary paths; no multicycle constraints needed.

`default_nettype none

// A standalone block: `make lint` passes all of rtl/ to one Verilator call, where
// every such block is a top level module by design.
/* verilator lint_off MULTITOP */
module physec_aes_pipe #(
  parameter int RPR   = 1,       // registers per round: 1 or 2
  parameter int TAG_W = 8        // sideband tag width, >= 1
) (
  input  wire logic                                      clk,
  input  wire logic                                      rst,
  input  wire logic                                      clr,
  // key schedule, from physec_aes_keyexp
  input  wire logic                                      key_ready,
  input  wire logic                                      rk_len,
  input  wire logic [physec_aes_pkg::NSLOT*128-1:0]      round_keys,
  // blocks in
  input  wire logic                                      in_valid,
  input  wire logic [127:0]                              in_blk,
  input  wire logic [TAG_W-1:0]                          in_tag,
  output logic                                           in_drop,
  // blocks out
  output logic                                           out_valid,
  output logic [127:0]                                   out_blk,
  output logic [TAG_W-1:0]                               out_tag
);
/* verilator lint_on MULTITOP */

  import physec_aes_pkg::*;

  if (RPR != 1 && RPR != 2) begin : g_bad_rpr
`ifdef __ICARUS__
    // Icarus 11 has no elaboration-time system tasks: fail at time 0 instead.
    initial $fatal(1, "physec_aes_pipe: RPR must be 1 or 2, got %0d", RPR);
`else
    $fatal(1, "physec_aes_pipe: RPR must be 1 or 2, got %0d", RPR);
`endif
  end
  if (TAG_W < 1) begin : g_bad_tag_w
`ifdef __ICARUS__
    initial $fatal(1, "physec_aes_pipe: TAG_W must be >= 1, got %0d", TAG_W);
`else
    $fatal(1, "physec_aes_pipe: TAG_W must be >= 1, got %0d", TAG_W);
`endif
  end

  // A valid RPR for the depths below, so a bad one reaches the $fatal above.
  localparam int R       = (RPR == 2) ? 2 : 1;
  localparam int LATENCY = pipe_latency(R);

  wire logic take = in_valid && key_ready;

  always_ff @(posedge clk) begin
    if (rst) in_drop <= 1'b0;
    else     in_drop <= in_valid && !key_ready;
  end

  // ---- Valid bits and tags: a plain delay line of the same depth.
  physec_pipe #(
    .WIDTH(TAG_W),
    .DEPTH(LATENCY)
  ) u_side (
    .clk      (clk),
    .rst      (rst),
    .in_valid (take),
    .in_data  (in_tag),
    .out_valid(out_valid),
    .out_data (out_tag)
  );

  // ---- Data path.  st_q[j]: state after round j; pass_q[j]: the block in
  // st_q[j] is AES-128 and still has to pass stage j+1 (j < NPASS only).
  logic [127:0] st_q   [NR+1];
  logic         pass_q [NPASS];

  wire logic zero = rst || clr;

  always_ff @(posedge clk) begin
    st_q[0]   <= zero ? '0 : in_blk ^ round_keys[127:0];
    pass_q[0] <= (rk_len == KEY_LEN_128);
  end

  for (genvar j = 1; j <= NR; j++) begin : g_round
    wire logic [127:0] rk = round_keys[128*j +: 128];

    // Pass-through flag of the block entering this round (0 after stage NPASS).
    wire logic pass_in;
    if (j <= NPASS) begin : g_pass_in
      assign pass_in = pass_q[j-1];
    end else begin : g_no_pass_in
      assign pass_in = 1'b0;
    end

    // SubBytes and ShiftRows in one, byte by byte: ShiftRows (FIPS-197 5.1.2)
    // is s'[r,c] = s[r, (c+r) mod 4], so with byte index k = r + 4c, byte k of
    // ShiftRows(SubBytes(s)) is S(byte r + 4((c+r) mod 4) of s): ShiftRows is
    // only the choice of S-box input.
    wire logic [127:0] sbsr;
    for (genvar k = 0; k < 16; k++) begin : g_sb
      localparam int SRC = (k % 4) + 4 * (((k / 4) + (k % 4)) % 4);
      physec_aes_sbox u_sbox (.x(st_q[j-1][127-8*SRC -: 8]), .y(sbsr[127-8*k -: 8]));
    end

    // Flag of the block after the first half (RPR = 2) or the whole round.
    wire logic pass_mid;
    // State after ShiftRows(SubBytes()) (or passed through), before MixColumns.
    wire logic [127:0] mid;

    if (R == 1) begin : g_one
      assign pass_mid = pass_in;
      assign mid      = sbsr;
    end else begin : g_two
      logic [127:0] h_q;
      logic         hpass_q;
      always_ff @(posedge clk) begin
        h_q     <= zero ? '0 : pass_in ? st_q[j-1] : sbsr;
        hpass_q <= pass_in;
      end
      assign pass_mid = hpass_q;
      assign mid      = h_q;
    end

    // MixColumns column by column; the last round has none (FIPS-197 5.1, Fig. 5).
    wire logic [127:0] mixed;
    if (j == NR) begin : g_last
      assign mixed = mid;
    end else begin : g_mix
      for (genvar c = 0; c < 4; c++) begin : g_col
        assign mixed[127-32*c -: 32] = mix_column(mid[127-32*c -: 32]);
      end
    end

    if (j <= NPASS) begin : g_pass
      // R == 1: the unmodified state is st_q[j-1]; R == 2: h_q already holds it.
      wire logic [127:0] passed = (R == 1) ? st_q[j-1] : mid;
      always_ff @(posedge clk) st_q[j] <= zero ? '0 : pass_mid ? passed : (mixed ^ rk);
      if (j < NPASS) begin : g_carry
        always_ff @(posedge clk) pass_q[j] <= pass_mid;
      end
    end else begin : g_plain
      always_ff @(posedge clk) st_q[j] <= zero ? '0 : mixed ^ rk;
      // pass_mid is 0 here by construction.
      wire logic unused_pass = pass_mid;
    end
  end

  assign out_blk = st_q[NR];

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
  // Zeroisation: after rst or clr no state register holds a round of a block.
  // (Immediate assertions on a registered condition: the state is a memory, which the
  // formal front end does not take in a concurrent assertion.)
  // Starts at 0 (the initial state formal assumes): no check before the first clear.
  logic sva_zero_q;
  initial sva_zero_q = 1'b0;
  always_ff @(posedge clk) sva_zero_q <= zero;
  for (genvar j = 0; j <= NR; j++) begin : g_zero
    always @(posedge clk) begin
      if (sva_zero_q) zeroised: assert (st_q[j] == '0)
        else $error("physec_aes_pipe: state %0d not zero after reset or clr", j);
    end
  end
  if (R == 2) begin : g_zero_h
    for (genvar j = 1; j <= NR; j++) begin : g_j
      always @(posedge clk) begin
        if (sva_zero_q) zeroised: assert (g_round[j].g_two.h_q == '0)
          else $error("physec_aes_pipe: half-round state %0d not zero after reset or clr", j);
      end
    end
  end
`endif

endmodule

`default_nettype wire
