// SPDX-License-Identifier: Apache-2.0
//
// physec_gmp_demap: OH parse, JC decode and GMP demapping of aligned frames (spec 4.2,
// 4.4, 5.4, 5.5).  Together with physec_aligner this module = the model's
// physec.frame.deframe: the per-frame part (header fields, physec.gmp.jc_decode with
// the trusted-Cm' rule, the usable rule, slot_map as an accumulator, the blocks and
// the ERROR_257B insertion for unusable and lost frames).
//
// Trusted Cm' (spec 4.4 rule 3): a relative JC (II != DI) is applied only when the
// previous processed frame was demapped (cm_known_q) and, with a security stage, was
// verified (in_unverified = 0 when its JC is decoded); otherwise the frame is "stale".
//
// Ports (rst: synchronous, active high; Cm' = 0 and untrusted after it):
//   in_valid, in_word[WORD_BITS-1:0], in_idx, in_am_good   aligned frame words from
//                 physec_aligner (fw_*): frame bits [WORD_BITS*in_idx, +WORD_BITS), the
//                 first in in_word[WORD_BITS-1]; whole frames, words in order.
//   in_loss       lock lost (Cm' becomes untrusted), between frames, a clock before
//                 the first virtual word.
//   in_drop       sampled with the frame's first payload word (in_valid, in_idx =
//                 HEADER_WORDS): 1 = the frame's data slots leave as ERROR_257B (blk_err)
//                 instead of their content, the security stage's refusal (physec_rx;
//                 deframe's "not delivered").  Tie to 0 without a security stage.
//   in_unverified sampled in the clock after the frame's last header word (in_valid,
//                 in_idx = HEADER_WORDS - 1), where its JC is decoded: 1 = the previous
//                 processed frame was not verified (refused on arrival or failed its
//                 tag; physec_rx from physec_sec_rx fs_* / vd_*), so Cm' is not trusted
//                 and a relative JC gives "stale".  Tie to 0 without a security stage
//                 (every demapped frame counts as verified: the rule of physec_frame_rx).
//   vin_valid, vin_idx, vin_lim   virtual frame words from physec_aligner (vw_*): the
//                 lost frames' grid, word vin_idx of a frame that is not there; only
//                 its first vin_lim bits lie before the new frame's payload.
//   blk_valid, blk[256:0]  one 257b block per clock at most, IEEE order
//                 tx_xcoded<256:0>: blk[0] is the first line bit of the slot.
//   blk_err       blk is an inserted ERROR_257B (unusable or lost frame), not a slot's
//                 content (a slot may carry ERROR_257B itself: the mapper's underflow).
//   st_valid      one clock per processed frame, a few clocks after its OH, with:
//                 st_am_good, st_oh_crc_ok (CRC-16 over the OH holds), st_jc_crc_ok
//                 (CRC-8 over JC1, JC2 holds), st_jc_kind (JC_* below), st_cnd[9:0]
//                 and st_cnd_ok (CnD from JC4, JC5; its CRC-5 in JC6 holds and the
//                 three top bits of JC4..JC6 are 0: the model's JcResult.cnd), st_usable,
//                 st_cm[13:0] (Cm' after this frame = the Cm it is demapped with, or the
//                 kept one), st_mfas, st_stat (OH bytes), st_pad[PAD_BITS-1:0] (PAD in
//                 line order: st_pad[PAD_BITS-1] = MSB of PAD byte 0).
//
// Blocks: a usable frame's data slots in slot order, each emitted in the clock after
// its last bit arrived (at most one slot ends in a word: WORD_BITS = SLOT_BITS - 1);
// an unusable frame gives ERROR_257B at the data slots of Cm' (Cm' blocks, the
// model's count).  Lost frames (spec 5.5): a second slot accumulator runs over the
// virtual words with the Cm' of the last frame before the loss (latched at in_loss)
// and gives ERROR_257B at each virtual data slot whose last bit is among the first
// vin_lim bits of its word, in the same pipeline position as a real slot.  A virtual
// slot ends at least 257 bits before the next frame's first slot and after the last
// one of the frame before, so blocks stay in line order and one per clock.  (The
// virtual grid overlaps the new frame's header and first payload word, in which no
// slot ends: hence a second accumulator, not the real one.)
//
// Pipeline: the header path (OH CRC-16 and JC fields, then JC decode and the usable
// rule) takes two clocks after the last header word; payload words are delayed by
// those two clocks so that Cm is ready at the first payload word.  The slot path is
// accumulator + carry (one clock) then the 512 -> 257 barrel shift (one clock).

`default_nettype none

module physec_gmp_demap #(
  parameter int WORD_BITS       = physec_profile_pkg::WORD_BITS,
  parameter int WORDS_PER_FRAME = physec_profile_pkg::WORDS_PER_FRAME,
  parameter int PAD_BITS        = physec_profile_pkg::PAD_BITS,
  parameter int OH_BITS         = physec_profile_pkg::OH_BITS,
  parameter int HEADER_WORDS    = physec_profile_pkg::HEADER_WORDS,
  parameter int SLOT_BITS       = physec_profile_pkg::SLOT_BITS,
  parameter int N_SLOTS         = physec_profile_pkg::N_SLOTS,
  parameter int OH_MFAS         = physec_profile_pkg::OH_MFAS,
  parameter int OH_STAT         = physec_profile_pkg::OH_STAT,
  parameter int OH_JC           = physec_profile_pkg::OH_JC,
  parameter logic [256:0] ERROR_257B = physec_profile_pkg::ERROR_257B,
  localparam int IDXW = $clog2(WORDS_PER_FRAME),
  localparam int LIMW = $clog2(WORD_BITS + 1)
) (
  input  wire logic                 clk,
  input  wire logic                 rst,
  input  wire logic                 in_valid,
  input  wire logic [WORD_BITS-1:0] in_word,
  input  wire logic [IDXW-1:0]      in_idx,
  input  wire logic                 in_am_good,
  input  wire logic                 in_loss,
  input  wire logic                 in_drop,
  input  wire logic                 in_unverified,
  input  wire logic                 vin_valid,
  input  wire logic [IDXW-1:0]      vin_idx,
  input  wire logic [LIMW-1:0]      vin_lim,
  output logic                      blk_valid,
  output logic [256:0]              blk,
  output logic                      blk_err,
  output logic                      st_valid,
  output logic                      st_am_good,
  output logic                      st_oh_crc_ok,
  output logic                      st_jc_crc_ok,
  output logic [3:0]                st_jc_kind,
  output logic [9:0]                st_cnd,
  output logic                      st_cnd_ok,
  output logic                      st_usable,
  output logic [13:0]               st_cm,
  output logic [7:0]                st_mfas,
  output logic [7:0]                st_stat,
  output logic [PAD_BITS-1:0]       st_pad
);

  import physec_crc_pkg::*;

  localparam int W    = WORD_BITS;
  localparam int HW   = HEADER_WORDS;
  localparam int OHB  = OH_BITS / 8;
  localparam int NSW  = $clog2(N_SLOTS + 1);
  localparam int LW   = $clog2(W + 1);

  // JC decode results (st_jc_kind), the model's JcResult.kind.
  localparam logic [3:0] JC_SAME = 4'd0, JC_INC1 = 4'd1, JC_INC2 = 4'd2, JC_DEC1 = 4'd3,
                         JC_DEC2 = 4'd4, JC_NEW = 4'd5, JC_CRC = 4'd6, JC_PATTERN = 4'd7,
                         JC_STALE = 4'd8;
  localparam logic [13:0] I_MASK = 14'h1555;        // C2, C4 .. C14
  localparam logic [13:0] D_MASK = 14'h2AAA;        // C1, C3 .. C13

  if (SLOT_BITS != 257 || W != SLOT_BITS - 1 || HW < 2 || WORDS_PER_FRAME <= HW ||
      OH_BITS % 8 != 0 || PAD_BITS % 8 != 0 || PAD_BITS + OH_BITS > HW * W ||
      OH_MFAS >= OHB - 2 || OH_STAT >= OHB - 2 || OH_JC + 6 > OHB - 2 ||
      OHB - 2 > CRC16_MAXB || N_SLOTS < 1 || N_SLOTS >= 1 << 14) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_gmp_demap: illegal parameters (need SLOT_BITS = 257, WORD_BITS = 256 so that at most one slot ends per word, a header of >= 2 words holding PAD and OH, OH fields before its CRC-16, OH <= CRC16_MAXB + 2 bytes, 1 <= N_SLOTS < 16384)");
`else
    $fatal(1, "physec_gmp_demap: illegal parameters (need SLOT_BITS = 257, WORD_BITS = 256 so that at most one slot ends per word, a header of >= 2 words holding PAD and OH, OH fields before its CRC-16, OH <= CRC16_MAXB + 2 bytes, 1 <= N_SLOTS < 16384)");
`endif
  end

  // ---------------------------------------------------------------- header: OH and PAD
  // PAD and OH end the header: keep the last PO bits of the header words.
  localparam int PO = PAD_BITS + OH_BITS;
  localparam int HS = (PO > W) ? PO - W : 1;
  logic [HS-1:0]       hsr_q;                  // the end of header words 0 .. HW-2
  logic [PO-1:0]       hdr;                    // PAD and OH, first bit on top
  logic [OH_BITS-1:0]  oh;
  logic [15:0]         oh_crc;

  always_ff @(posedge clk) begin
    if (in_valid && int'(in_idx) < HW - 1) hsr_q <= HS'({hsr_q, in_word});
  end

  assign hdr = PO'({hsr_q, in_word});
  assign oh  = hdr[OH_BITS-1:0];

  function automatic logic [7:0] oh_byte(input logic [OH_BITS-1:0] f, input int k);
    return f[OH_BITS-1-8*k -: 8];
  endfunction

  // The OH CRC-16 over OH bytes 0 .. OHB-3, in matrix form.
  localparam logic [16*CRC16_MW-1:0] OH_CRC_M = crc16_oh_matrix(OHB - 2);
  assign oh_crc = crc16_oh_apply(OH_CRC_M, CRC16_OH_INIT, CRC16_DW'(oh[OH_BITS-1:16]));

  // H1: CRCs and raw fields, registered at the last header word.
  logic               h1_v, h1_am_good, h1_oh_ok, h1_jc_ok, h1_ii, h1_di, h1_cnd_ok;
  logic [9:0]         h1_cnd;
  logic [13:0]        h1_c;
  logic [7:0]         h1_mfas, h1_stat;
  logic [PAD_BITS-1:0] h1_pad;

  logic [7:0] jc1, jc2, jc4, jc5, jc6;
  assign jc1 = oh_byte(oh, OH_JC);
  assign jc2 = oh_byte(oh, OH_JC + 1);
  assign jc4 = oh_byte(oh, OH_JC + 3);
  assign jc5 = oh_byte(oh, OH_JC + 4);
  assign jc6 = oh_byte(oh, OH_JC + 5);

  always_ff @(posedge clk) begin
    if (rst) h1_v <= 1'b0;
    else     h1_v <= in_valid && int'(in_idx) == HW - 1;
    h1_am_good <= in_am_good;
    h1_oh_ok   <= oh_crc == {oh_byte(oh, OHB - 2), oh_byte(oh, OHB - 1)};
    h1_jc_ok   <= crc8_jc({jc1, jc2}) == oh_byte(oh, OH_JC + 2);
    h1_c       <= {jc1, jc2[7:2]};
    h1_ii      <= jc2[1];
    h1_di      <= jc2[0];
    h1_cnd     <= {jc4[4:0], jc5[4:0]};
    h1_cnd_ok  <= crc5_jc({jc4[4:0], jc5[4:0]}) == jc6[4:0] && (jc4 | jc5 | jc6) < 8'h20;
    h1_mfas    <= oh_byte(oh, OH_MFAS);
    h1_stat    <= oh_byte(oh, OH_STAT);
    h1_pad     <= hdr[OH_BITS +: PAD_BITS];
  end

  // H2: JC decode against Cm' (model jc_decode) and the usable rule.
  logic [13:0] cm_prev_q;                      // Cm'
  logic        cm_known_q;                     // previous frame demapped (Cm' trusted if verified)
  logic        use_err_q;                      // this frame: ERROR_257B in the data slots

  function automatic int popcount14(input logic [13:0] v);
    popcount14 = 0;
    for (int b = 0; b < 14; b++) popcount14 += int'(v[b]);
  endfunction

  logic [3:0]  kind;
  logic [14:0] cm_dec;                          // 15 bits: a decrement below 0 shows
  logic        known, usable;

  always_comb begin
    logic [13:0] x;
    logic        inv_i, inv_d;
    x      = h1_c ^ cm_prev_q;
    inv_i  = popcount14(x & I_MASK) >= 4;
    inv_d  = popcount14(x & D_MASK) >= 4;
    cm_dec = {1'b0, h1_c};
    known  = 1'b0;
    if (!h1_jc_ok) begin
      kind = JC_CRC;
    end else if (h1_ii == h1_di) begin
      kind  = h1_ii ? JC_NEW : JC_SAME;
      known = 1'b1;
    end else if (!cm_known_q || in_unverified) begin
      kind = JC_STALE;
    end else if (h1_ii && inv_i) begin
      kind   = inv_d ? JC_INC2 : JC_INC1;
      cm_dec = {1'b0, cm_prev_q} + (inv_d ? 15'd2 : 15'd1);
      known  = 1'b1;
    end else if (h1_di && inv_d) begin
      kind   = inv_i ? JC_DEC2 : JC_DEC1;
      cm_dec = {1'b0, cm_prev_q} - (inv_i ? 15'd2 : 15'd1);
      known  = 1'b1;
    end else begin
      kind = JC_PATTERN;
    end
  end

  // cm_dec[14] set: below 0 (the model would crash here) or above 16383: unusable.
  assign usable = known && !cm_dec[14] && int'(cm_dec[13:0]) <= N_SLOTS && (h1_am_good || h1_oh_ok);

  always_ff @(posedge clk) begin
    if (rst) begin
      st_valid   <= 1'b0;
      cm_prev_q  <= '0;
      cm_known_q <= 1'b0;
    end else begin
      st_valid <= h1_v;
      if (h1_v) begin
        cm_prev_q  <= usable ? cm_dec[13:0] : cm_prev_q;
        cm_known_q <= usable;
      end else if (in_loss) begin
        cm_known_q <= 1'b0;
      end
    end
    if (h1_v) use_err_q <= !usable;
    st_am_good   <= h1_am_good;
    st_oh_crc_ok <= h1_oh_ok;
    st_jc_crc_ok <= h1_jc_ok;
    st_jc_kind   <= kind;
    st_cnd       <= h1_cnd;
    st_cnd_ok    <= h1_cnd_ok;
    st_usable    <= usable;
    st_cm        <= usable ? cm_dec[13:0] : cm_prev_q;
    st_mfas      <= h1_mfas;
    st_stat      <= h1_stat;
    st_pad       <= h1_pad;
  end

  // ---------------------------------------------------------------- payload: slots
  logic            d_v, p_v;                  // in_* delayed by one and two clocks
  logic [IDXW-1:0] d_idx, p_idx;
  logic [W-1:0]    d_word, p_word;
  logic            vd_v, vp_v;                // vin_* delayed alike
  logic [IDXW-1:0] vd_idx, vp_idx;
  logic [LIMW-1:0] vd_lim, vp_lim;

  always_ff @(posedge clk) begin
    if (rst) begin
      d_v  <= 1'b0;
      p_v  <= 1'b0;
      vd_v <= 1'b0;
      vp_v <= 1'b0;
    end else begin
      d_v  <= in_valid;
      p_v  <= d_v;
      vd_v <= vin_valid;
      vp_v <= vd_v;
    end
    d_idx  <= in_idx;
    d_word <= in_word;
    p_idx  <= d_idx;
    p_word <= d_word;
    vd_idx <= vin_idx;
    vd_lim <= vin_lim;
    vp_idx <= vd_idx;
    vp_lim <= vd_lim;
  end

  // One slot accumulator step (spec 4.2) for a payload word: l = bits of the next slot
  // carried in from the previous word (0 at the first payload word), ns = slots
  // completed in this frame, acc = GMP accumulator.  With WORD_BITS = SLOT_BITS - 1 a
  // word completes a slot iff l > 0, the slot's last bit being the word's bit W - l
  // (from its first bit).
  typedef struct packed {
    logic [LW-1:0]  l;
    logic [NSW-1:0] ns;
    logic [NSW:0]   acc;
  } slot_st_t;

  typedef struct packed {
    logic     done;                            // the word completes a slot
    logic     data;                            // ... a data slot
    slot_st_t nxt;                             // state after the word
  } slot_step_t;

  function automatic slot_step_t slot_step(input logic first, input slot_st_t q,
                                           input logic [13:0] cm_use);
    slot_st_t c;
    int       sum;
    c   = first ? '0 : q;                      // payload starts: nothing carried
    sum = int'(c.acc) + int'(cm_use);
    slot_step.done    = c.l != '0 && int'(c.ns) < N_SLOTS;
    slot_step.data    = sum >= N_SLOTS;
    slot_step.nxt.l   = (c.l == '0) ? LW'(W) : c.l - 1'b1;
    slot_step.nxt.ns  = c.ns + NSW'(slot_step.done);
    slot_step.nxt.acc = !slot_step.done ? c.acc :
                        slot_step.data ? (NSW+1)'(sum - N_SLOTS) : (NSW+1)'(sum);
  endfunction

  // Real frames: the slot is {prev_q, word} from bit l + W - 1 down to l - 1.
  logic [W-1:0]   prev_q;
  slot_st_t       ss_q;
  slot_step_t     st;
  logic           pay, first;

  logic             s1_v, s1_err;
  logic [2*W-1:0]   s1_cat;
  logic [$clog2(W)-1:0] s1_sh;

  // The security stage's drop of this frame (in_drop), held until the next frame's.
  logic drop_q;
  always_ff @(posedge clk) begin
    if (rst)                              drop_q <= 1'b0;
    else if (in_valid && int'(in_idx) == HW) drop_q <= in_drop;
  end

  assign pay   = p_v && int'(p_idx) >= HW;
  assign first = int'(p_idx) == HW;
  assign st    = slot_step(first, ss_q, cm_prev_q);   // Cm' is this frame's Cm by now

  always_ff @(posedge clk) begin
    if (rst) s1_v <= 1'b0;
    else     s1_v <= pay && st.done && st.data;
    if (pay) begin
      prev_q <= p_word;
      ss_q   <= st.nxt;
    end
    s1_err <= use_err_q || drop_q;
    s1_cat <= {prev_q, p_word};
    s1_sh  <= ($clog2(W))'((first ? '0 : ss_q.l) - 1'b1);
  end

  // Virtual (lost) frames: ERROR_257B at the data slots of Cm' whose last bit (bit
  // W - l of the word) is among its first vp_lim bits.
  logic [13:0]    vcm_q;                       // Cm' of the last frame before the loss
  slot_st_t       vss_q;
  slot_step_t     vst;
  logic           vpay, vs1_v;
  logic [LW-1:0]  vl;

  assign vpay = vp_v && int'(vp_idx) >= HW;
  assign vl   = (int'(vp_idx) == HW) ? '0 : vss_q.l;
  assign vst  = slot_step(int'(vp_idx) == HW, vss_q, vcm_q);

  always_ff @(posedge clk) begin
    if (rst) vs1_v <= 1'b0;
    else     vs1_v <= vpay && vst.done && vst.data && W - int'(vl) < int'(vp_lim);
    if (in_loss) vcm_q <= cm_prev_q;
    if (vpay)    vss_q <= vst.nxt;
  end

  // ---------------------------------------------------------------- out: shift, errors
  logic [256:0]       shifted;
  logic [256:0]       slot_blk;

  assign shifted = 257'(s1_cat >> s1_sh);
  for (genvar i = 0; i < 257; i++) begin : g_rev
    assign slot_blk[i] = shifted[256 - i];     // line order -> tx_xcoded<i>
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      blk_valid <= 1'b0;
    end else begin
      blk_valid <= s1_v || vs1_v;
    end
    blk     <= (vs1_v || s1_err) ? ERROR_257B : slot_blk;
    blk_err <= vs1_v || s1_err;
  end

`ifndef SYNTHESIS
  // Cannot happen (see the header); a simulation check of that argument.  Also (tb/assertions
  // proves each fires): the slot state inside a frame, and no X/Z on an output after reset.
  logic sa_rst_seen;
  always @(posedge clk) begin
    if (rst) sa_rst_seen <= 1'b1;
    if (!rst && s1_v && vs1_v) $error("physec_gmp_demap: a real and a virtual slot block in one clock");
    if (!rst && (int'(ss_q.l) > W || int'(ss_q.ns) > N_SLOTS))
      $error("physec_gmp_demap: illegal slot state (carried bits %0d, slots %0d)", ss_q.l, ss_q.ns);
    if (!rst && sa_rst_seen && (((^{blk_valid, st_valid}) === 1'bx) || (blk_valid && ((^{blk, blk_err}) === 1'bx)) ||
                                (st_valid && ((^{st_am_good, st_oh_crc_ok, st_jc_crc_ok, st_jc_kind,
                                                         st_cnd_ok, st_usable, st_cm, st_mfas}) === 1'bx))))
      $error("physec_gmp_demap: X/Z on an output after reset");
  end
`endif

endmodule

`default_nettype wire
