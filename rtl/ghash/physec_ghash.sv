// SPDX-License-Identifier: Apache-2.0
//
// physec_ghash: GHASH_H (NIST SP 800-38D 6.4) at BLOCKS 128-bit blocks per clock
// (BLOCKS = WORD_BITS / 128: 2 at 256 bits, 4 and 8 for 512- and 1024-bit buses), in
// aggregated form so that every clock is about 4 LUT levels.  For each message (beats
// from `start` to `last`), `out` = the model's physec.gcm.ghash(GhashKey(H), blocks) of
// its blocks in order, LATENCY clocks after its last beat, with out_valid.
//
// Bit order: a block is 16 bytes; `logic [127:0] x` holds byte 0 in x[127:120] (the
// model's int.from_bytes(block, "big")).  GCM's field element is reflected: the
// coefficient of x^0 is x[127], of x^i is x[127-i]; multiplying by x is a right shift
// with reduction constant R = 8'hE1 << 120 (see physec_gf128_pkg).  A beat carries up
// to BLOCKS blocks in line order (spec 2.1: the first byte in the top bits): the earlier
// block in the higher slot, in_data[128*(BLOCKS-1) +: 128] first, in_data[127:0] last;
// in_valid[i] qualifies in_data[128*i +: 128].  A beat's blocks are its valid slots, in
// that order (so at BLOCKS = 2: 2'b11 = X1, X2; 2'b10 = X1 alone; 2'b01 = X2 alone).
//
// Ports:
//   h_load, h_in  install the hash key H = E_K(0^128) (from the AES engine), then its
//                 powers H^2 .. H^(2*BLOCKS), one after the other: an even power is the
//                 square of half of it (one clock: squaring is linear, XORs only), an
//                 odd one H^(j-1) * H through an install multiplier (3 clocks).  ready =
//                 0 from the clock after h_load until the powers are done: ready = 1
//                 again INSTALL = 4*BLOCKS - 2 clocks after the h_load clock (6 at
//                 BLOCKS = 2), 0 after reset.
//                 A message begins (a start, or the first beat after a `last` or reset)
//                 only while ready = 1 and not together with h_load; a beginning
//                 presented otherwise is ignored, and so are the beats after it until a
//                 beginning is accepted.  The other beats of a message are taken
//                 whatever ready: a message latches the powers when it begins (mp_q), so
//                 a key install may overlap the rest of it (the security stages load the
//                 next frame's H while the last beats of the previous frame are in flight).
//   start         the first beat of a message, or a lone pulse (in_valid = 0) before
//                 it: discards a message that had no `last`.  After a `last` (and after
//                 reset) the next beat begins a new message without it.
//   last          the message's last beat; it must carry at least one block (a GCM
//                 message ends with its length block): a `last` without a block is
//                 ignored (and flagged by an assertion).
//   in_valid, in_data  a beat as above.  All beats but the first and the last of a
//                 message must be full (in_valid all ones): see "one-block beats" below.
//   out_valid, out  out_valid = 1 for one clock LATENCY = 5 clocks after a `last` beat's
//                 clock; out = that message's GHASH from then until the next out_valid.
//   rst           active-high, synchronous: clears ready, the install and the flags, and
//                 zeroises every data register (H and its powers, operands, partial
//                 products, lanes, out).
//   clr           zeroise (key erase, spec 6.4): the same registers to 0, ready and the
//                 flags kept: a message in progress goes on with H = 0 and its GHASH is 0
//                 (its caller fails it), an install in progress computes zeros.
//
// Aggregated reduction, two interleaved lanes.  With S_p = sum_i X_i * H^(BLOCKS-i+1)
// the sum of beat p's blocks X_1..X_BLOCKS weighted within the beat, lane p mod 2
// absorbs beat p:
//   A <- A * H^(2*BLOCKS) ^ S_p
// The loop multiplier (u_ring) is two registers deep: its partial-product register
// (P) and the lane register A.  Both advance only on beats, so the lane whose product
// comes out of P is always the lane of the beat arriving: a_q holds the lane of the
// latest beat, P the product of the other one, and bubbles cost nothing.  S_p comes from
// BLOCKS feed-forward multipliers (slot i times H^(i+1), pipelined the same way) into the
// register s_q.  The last beat (k blocks, 1 <= k <= BLOCKS) does not enter the lanes:
//   GHASH = S_last' ^ A_1 * H^k ^ A_2 * H^(BLOCKS+k)
// (all powers from mp_q) where A_1 = the lane of the beat before it, A_2 = the other lane (a_prev_q, a copy
// kept beside the loop, since P holds it multiplied by H^(2*BLOCKS)), and S_last' is
// S of the k blocks right-aligned in the beat (slot k-1 .. 0: weights H^k .. H^1).  Two
// fold multipliers do the last products, with their powers chosen by k a clock ahead.
// A message's first beat may have fewer blocks too: right-aligned, its empty slots are
// leading zero blocks, which do not change GHASH.  The lanes (A, a_prev_q, P) are
// cleared when a `start` is one clock before s_q and when the last beat is in s_q.
//
// One-block beats: at most at a message's start and end (any number of blocks there;
// a one-beat message may have 1..BLOCKS).  A short beat in the middle would change the
// weight of every beat before it; an assertion flags it.  physec_sec_tx/rx send full
// beats only (AAD and ciphertext blocks are paired, the length block with the last
// ciphertext block).
//
// Pipeline (a beat in clock c0 at the ports; each arrow a register):
//   c1 x_q (the blocks, right-aligned)  c2 feed-forward partial products
//   c3 s_q (S_p), lanes advance at its end (ring: A -> P and P ^ s_q -> A)
//   c4 fold partial products (the last beat)  c5 out, out_valid
// The fold's powers are chosen at c1 and carried to c3, the lanes cleared at c3.
// Depth per clock (LUT6, physec_gf128_mul): 2 levels into a partial-product register;
// 3 for the sum + reduction into s_q / A (at BLOCKS = 2, 2 x 64 register bits per bit of
// s_q, 64 + 1 for A, 2 x 64 + 1 for out); the slot compaction at the input (a 2:1 mux at
// BLOCKS = 2) and the power mux before a register.  At BLOCKS = 8 s_q sums 8 x 64 bits
// per bit (4 levels).
//
// Area: BLOCKS + 4 multipliers (1 in the loop, BLOCKS feed-forward, 2 for the fold, 1
// for the install: 6 at BLOCKS = 2), each about 16,400 AND2 + 17,500 XOR2 and 1,144
// flip-flops; the powers twice (installed and the message's), lanes, operands: about
// (4 * BLOCKS + 12) x 128 flip-flops.

`default_nettype none

// A standalone block: `make lint` passes all of rtl/ to one Verilator call, where
// every such block is a top level module by design.
/* verilator lint_off MULTITOP */
module physec_ghash #(
  parameter int BLOCKS = 2
) (
  input  wire logic                  clk,
  input  wire logic                  rst,
  input  wire logic                  clr,
  // key install
  input  wire logic                  h_load,
  input  wire logic [127:0]          h_in,
  output logic                       ready,
  // message
  input  wire logic                  start,
  input  wire logic                  last,
  input  wire logic [BLOCKS-1:0]     in_valid,
  input  wire logic [128*BLOCKS-1:0] in_data,
  output logic                       out_valid,
  output logic [127:0]               out
);
/* verilator lint_on MULTITOP */

  import physec_gf128_pkg::*;

  if (BLOCKS < 1 || BLOCKS > 16) begin : g_bad_blocks
`ifdef __ICARUS__
    initial $fatal(1, "physec_ghash: BLOCKS must be 1..16, got %0d", BLOCKS);
`else
    $fatal(1, "physec_ghash: BLOCKS must be 1..16, got %0d", BLOCKS);
`endif
  end

  localparam int B  = (BLOCKS < 1) ? 1 : (BLOCKS > 16) ? 16 : BLOCKS;   // clamped for the $fatal
  localparam int NP = 2 * B;              // powers H^1 .. H^NP
  localparam int JW = $clog2(NP + 2);     // install step index
  localparam int KW = $clog2(B + 1);      // blocks in a beat

  // Key material: zero after reset and clr (key erase).
  wire logic zero = rst || clr;

  // ====================================================================== key install
  logic [NP:1][127:0] pw_q;               // pw_q[j] = H^j, as installed
  logic               busy_q;
  logic [JW-1:0]      j_q;                // the power being computed
  logic [1:0]         ph_q;               // odd power: clocks since its multiply was issued
  logic [127:0]       ix_q, iz;           // the install multiplier's H^(j-1), its product

  wire logic j_odd     = j_q[0];
  wire logic inst_mul  = busy_q && j_odd && ph_q == 2'd0;    // issue H^(j-1) * H
  wire logic inst_take = busy_q && j_odd && ph_q == 2'd2;    // its product is in iz

  always_ff @(posedge clk) begin
    if (rst) begin
      ready  <= 1'b0;
      busy_q <= 1'b0;
      j_q    <= '0;
      ph_q   <= '0;
    end else if (h_load) begin
      ready  <= 1'b0;
      busy_q <= 1'b1;
      j_q    <= JW'(2);
      ph_q   <= '0;
    end else if (busy_q) begin
      if (!j_odd || inst_take) begin
        j_q  <= j_q + JW'(1);
        ph_q <= '0;
        if (j_q == JW'(NP)) begin          // NP is even: the last power is a square
          busy_q <= 1'b0;
          ready  <= 1'b1;
        end
      end else begin
        ph_q <= ph_q + 2'd1;
      end
    end
  end

  // H^(j/2) for a square, H^(j-1) for a product (muxes before registers).
  logic [127:0] half_pw, prev_pw;
  always_comb begin
    half_pw = '0;
    prev_pw = '0;
    for (int i = 1; i <= NP / 2; i++) if (j_q == JW'(2 * i)) half_pw = pw_q[i];
    for (int i = 2; i <= NP; i++) if (j_q == JW'(i + 1)) prev_pw = pw_q[i];
  end

  always_ff @(posedge clk) begin
    if (zero) begin
      pw_q <= '0;
      ix_q <= '0;
    end else begin
      if (inst_mul) ix_q <= prev_pw;
      if (h_load) begin
        pw_q[1] <= h_in;
      end else if (busy_q) begin
        for (int i = 2; i <= NP; i++) begin
          if (j_q == JW'(i) && !j_odd)    pw_q[i] <= gf128_square(half_pw);
          if (j_q == JW'(i) && inst_take) pw_q[i] <= iz;
        end
      end
    end
  end

  // The odd powers' own multiplier: messages may run during an install.
  physec_gf128_mul u_inst (
    .clk  (clk),
    .clr  (zero),
    .en   (1'b1),
    .in_x (ix_q),
    .in_y (pw_q[1]),
    .out_z(iz)
  );

  // ====================================================================== input stage
  // A message begins with a start, or with the first beat after a `last` (or reset); it
  // is then open until its `last`.  Only a beginning needs ready: it latches the
  // installed powers into the message's own (mp_q), which its later beats, lanes and
  // fold use, so an install may overlap the rest of a message.
  logic               open_q;
  logic [NP:1][127:0] mp_q;               // the powers of the message in progress

  wire logic          ok_new = ready && !h_load;
  wire logic          cont   = open_q && !start;                 // a beat of the open message
  wire logic          begin_ = (start || !open_q) && ok_new;      // a message may begin here
  wire logic [B-1:0]  v      = (cont || begin_) ? in_valid : '0;
  wire logic          beat   = |v;
  wire logic          new_msg = begin_ && (start || beat);

  always_ff @(posedge clk) begin
    if (rst)                 open_q <= 1'b0;
    else if (beat && last)   open_q <= 1'b0;
    else if (new_msg || beat) open_q <= 1'b1;
  end

  always_ff @(posedge clk) begin
    if (zero)         mp_q <= '0;
    else if (new_msg) mp_q <= pw_q;
  end

  // Right-align the valid slots: compacted slot m takes the valid slot with m valid slots
  // below it (their order is kept).
  logic [B-1:0][127:0] cmp;
  logic [KW-1:0]       n_valid;
  always_comb begin
    cmp     = '0;
    n_valid = '0;
    for (int i = 0; i < B; i++) begin
      if (v[i]) begin
        for (int m = 0; m < B; m++) if (n_valid == KW'(m)) cmp[m] = in_data[128*i +: 128];
        n_valid = n_valid + KW'(1);
      end
    end
  end

  logic [B-1:0][127:0] x_q;               // the beat's blocks, right-aligned; 0 elsewhere
  logic                beat_q, start_q, last_q, beat_f, start_f, last_f, beat_s, last_s, fold_q;
  logic [KW-1:0]       k_q;

  always_ff @(posedge clk) begin
    x_q <= zero ? '0 : cmp;
  end

  // Flags of the beat through the stages: _q at x_q, _f at the feed-forward partial
  // products, _s at s_q.
  always_ff @(posedge clk) begin
    if (rst) begin
      {beat_q, start_q, last_q, beat_f, start_f, last_f, beat_s, last_s, fold_q} <= '0;
    end else begin
      beat_q  <= beat;
      start_q <= begin_ && start;
      last_q  <= beat && last;
      beat_f  <= beat_q;
      start_f <= start_q;
      last_f  <= last_q;
      beat_s  <= beat_f;
      last_s  <= last_f;
      fold_q  <= beat_s && last_s;
    end
    k_q <= n_valid;
  end

  // ====================================================================== S_p
  logic [B-1:0][127:0] ff_z;
  for (genvar m = 0; m < B; m++) begin : g_ff
    physec_gf128_mul u_mul (
      .clk  (clk),
      .clr  (zero),
      .en   (1'b1),
      .in_x (x_q[m]),
      .in_y (mp_q[m + 1]),
      .out_z(ff_z[m])
    );
  end

  logic [127:0] s_sum, s_q;
  always_comb begin
    s_sum = '0;
    for (int m = 0; m < B; m++) s_sum ^= ff_z[m];
  end

  always_ff @(posedge clk) begin
    s_q <= zero ? '0 : s_sum;
  end

  // ====================================================================== lanes
  wire logic adv      = beat_s && !last_s;
  wire logic fold     = beat_s && last_s;
  wire logic lane_clr = zero || start_f || fold;

  logic [127:0] a_q, a_prev_q, ring_z;

  physec_gf128_mul u_ring (
    .clk  (clk),
    .clr  (lane_clr),
    .en   (adv),
    .in_x (a_q),
    .in_y (mp_q[NP]),
    .out_z(ring_z)
  );

  always_ff @(posedge clk) begin
    if (lane_clr) begin
      a_q      <= '0;
      a_prev_q <= '0;
    end else if (adv) begin
      a_q      <= ring_z ^ s_q;
      a_prev_q <= a_q;
    end
  end

  // ====================================================================== fold
  // Powers for the last beat's k blocks: H^k for the latest lane, H^(B+k) for the other;
  // chosen while the beat is at x_q (the next message may latch new powers a clock
  // later), carried beside it to s_q (one-beat messages may follow back to back).
  logic [127:0] fq1_q, fq2_q, fs1_q, fs2_q, st_q, f1_z, f2_z;
  always_ff @(posedge clk) begin
    if (zero) begin
      fq1_q <= '0;
      fq2_q <= '0;
      fs1_q <= '0;
      fs2_q <= '0;
    end else begin
      if (beat_q && last_q) begin
        for (int k = 1; k <= B; k++) begin
          if (k_q == KW'(k)) begin
            fq1_q <= mp_q[k];
            fq2_q <= mp_q[B + k];
          end
        end
      end
      if (beat_f && last_f) begin
        fs1_q <= fq1_q;
        fs2_q <= fq2_q;
      end
    end
  end

  physec_gf128_mul u_fold1 (
    .clk  (clk),
    .clr  (zero),
    .en   (fold),
    .in_x (a_q),
    .in_y (fs1_q),
    .out_z(f1_z)
  );

  physec_gf128_mul u_fold2 (
    .clk  (clk),
    .clr  (zero),
    .en   (fold),
    .in_x (a_prev_q),
    .in_y (fs2_q),
    .out_z(f2_z)
  );

  always_ff @(posedge clk) begin
    if (zero)      st_q <= '0;
    else if (fold) st_q <= s_q;
  end

  always_ff @(posedge clk) begin
    if (rst) out_valid <= 1'b0;
    else     out_valid <= fold_q;
    if (zero)        out <= '0;
    else if (fold_q) out <= f1_z ^ f2_z ^ st_q;
  end

  // Every data register, for the zeroisation property (each multiplier's partial products too).
  wire logic [B-1:0] ff_pp_zero;
  for (genvar m = 0; m < B; m++) begin : g_ffz
    assign ff_pp_zero[m] = g_ff[m].u_mul.pp_q == '0;
  end
  wire logic all_zero = {pw_q, mp_q, ix_q, x_q, s_q, a_q, a_prev_q} == '0 &&
                        {fq1_q, fq2_q, fs1_q, fs2_q, st_q, out} == '0 &&
                        u_inst.pp_q == '0 && u_ring.pp_q == '0 && u_fold1.pp_q == '0 &&
                        u_fold2.pp_q == '0 && &ff_pp_zero;

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
  // Zeroisation: after rst or clr no H, power of H, operand, partial product, lane or
  // GHASH is left.  Starts at 0 (the initial state formal assumes): no check before the
  // first clear.
  logic sva_zero_q;
  initial sva_zero_q = 1'b0;
  always_ff @(posedge clk) sva_zero_q <= zero;
  always @(posedge clk) begin
    if (sva_zero_q) zeroised: assert (all_zero)
      else $error("physec_ghash: key material after reset or clr");
  end
`endif

`ifndef SYNTHESIS
  // Usage checks (simulation): a short beat inside a message, a `last` without a block.
  logic sa_had_q;                         // the open message has had a beat
  always @(posedge clk) begin
    if (rst) begin
      sa_had_q <= 1'b0;
    end else begin
      if (beat && !last && !(&v) && cont && sa_had_q)
        $error("physec_ghash: a short beat inside a message (only its first or last may be short)");
      if ((cont || begin_) && last && !beat)
        $error("physec_ghash: last without a block (ignored)");
      if (beat) sa_had_q <= !last;
      else if (new_msg) sa_had_q <= 1'b0;
    end
  end
`endif

endmodule

`default_nettype wire
