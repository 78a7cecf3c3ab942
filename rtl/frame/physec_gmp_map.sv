// SPDX-License-Identifier: Apache-2.0
//
// physec_gmp_map: transmit GMP mapper (spec 4.2-4.4).  This module = the model's
// physec.gmp.GmpMapper (map_frame, then jc), clock for clock: client FIFO, Cm rule,
// slot accumulator, JC1..JC6 and the STAT flags for the next frame.
//
// Time base (spec 4.3): clock c counts line words from reset, frame t is clocks
// [t*WORDS_PER_FRAME, (t+1)*WORDS_PER_FRAME), frame clock k = c mod WORDS_PER_FRAME.
// The first clock with rst low is clock 0, the start of frame 0.
//
// Ports (rst: synchronous, active high; clears all control state, not the FIFO data):
//   client_valid[i], client_block[257*i +: 257]
//                 client lane i.  A block is tx_xcoded<256:0> (IEEE order, bit 0 sent
//                 first).  The valid lanes of a clock are offered in lane order; with s
//                 the FIFO level at the start of the clock the first FIFO_DEPTH - s are
//                 written, the others refused (overflow).  CLIENT_LANES = 1 for 100g
//                 (at most one block per clock there); more lanes for wider profiles.
//   frame_start   1 in frame clock 0 (and while rst is high: the counter rests at 0).
//   cm[13:0]      Cm(t), registered at the end of frame clock 0: valid in frame clocks
//                 1 .. WORDS_PER_FRAME (the latter = next frame's clock 0).
//   jc[47:0]      JC1..JC6 of frame t, JC1 = jc[47:40], each byte's MSB (bit 1) sent
//                 first; valid in frame clocks 2 .. next frame's clock 1.
//   stat[7:0]     STAT of frame t: bit 0 underflow, bit 1 overflow in frame t-1; valid
//                 like cm.
//   d_*           descriptor of line word k (frame clock k), registered, so present in
//                 clock k+1; one per clock from clock 1 after reset on (d_valid).
//                 d_k        frame clock k, 0 .. WORDS_PER_FRAME-1;
//                 d_off      line bit position in word k (0 = its first bit) where the
//                            slot of lane 0 starts; the bits before it end the previous
//                            slot.  Meaningful when d_start[0] = 1;
//                 d_start[i] a slot starts in word k at d_off + i*SLOT_BITS;
//                 d_blk[257*i +: 257]  its 257 bits, IEEE order (tx_xcoded<256:0>): a
//                            client block, ERROR_257B (data slot, FIFO empty) or all
//                            zero (stuff slot, or no slot).
//   underflow_count, overflow_count
//                 32-bit, saturating at 32'hFFFFFFFF (a wrapped count would hide a
//                 flood): data slots that found the FIFO empty / client blocks refused.
//
// Per clock, with s the FIFO level at the start of the clock (= GmpMapper._slow):
//   frame clock 0: Cm = clamp(CM_INIT + s - FIFO_TARGET, 0, N_SLOTS), CnD = min(s, 1023),
//     Cm' = the previous frame's Cm (0 after reset), STAT = the flags of the frame that
//     just ended, slot accumulator cleared.  No slot starts in a header word, so the
//     registered Cm is in time for slot 1 (HEADER_WORDS >= 1).
//   each slot starting in the word, in order: acc += Cm; data iff acc >= N_SLOTS (then
//     acc -= N_SLOTS).  The first s data slots of the clock pop the FIFO in order, the
//     rest carry ERROR_257B.  Slot j starts in the word holding its first bit,
//     floor((HEADER_BITS + (j-1)*SLOT_BITS) / WORD_BITS), tracked by d_off.
//   A pop never makes room for a write of the same clock, and a block written in clock
//   c is poppable from c+1: both decisions use s and the pointers at the clock's start.
//
// Client FIFO store: NB banks of physec_sdp_ram (rtl/common) with an asynchronous read,
// which FPGA synthesis maps to LUT RAM (64 x 257 at 100g: 37 RAM64M8, 296 LUTs) instead
// of FIFO_DEPTH x 257 flip-flops.  Entry a lives in bank a mod NB, word a / NB, with NB
// the power of two >= max(NPOP, CLIENT_LANES): the writes and the head reads of one
// clock are consecutive entries, so each bank sees at most one write and one read (NB =
// 1 at 100g, 4 at 400g; FIFO_DEPTH must be a multiple of NB and at least 2 * NB).  The
// read is asynchronous like the flip-flop array's was (LUT RAM needs no read register),
// so the FIFO and every output keep their timing clock for clock: a block written in
// clock c is readable from c + 1, as before.
//
// Timing: the widest paths are the FIFO head read (a LUT RAM read, plus the bank
// crossbar when NB > 1) and, with NPOP > 1 (400g), the chain of NPOP accumulator
// add/compare steps.  The Cm clamp and the JC encoding sit in registers of their own
// (frame clocks 0, 1).

`default_nettype none

module physec_gmp_map #(
  parameter int WORD_BITS       = physec_profile_pkg::WORD_BITS,
  parameter int WORDS_PER_FRAME = physec_profile_pkg::WORDS_PER_FRAME,
  parameter int HEADER_WORDS    = physec_profile_pkg::HEADER_WORDS,
  parameter int SLOT_BITS       = physec_profile_pkg::SLOT_BITS,
  parameter int N_SLOTS         = physec_profile_pkg::N_SLOTS,
  parameter int CM_INIT         = physec_profile_pkg::CM_INIT,
  parameter int FIFO_DEPTH      = physec_profile_pkg::FIFO_DEPTH,
  parameter int FIFO_TARGET     = physec_profile_pkg::FIFO_TARGET,
  parameter int CLIENT_LANES    = 1,
  parameter logic [256:0] ERROR_257B = physec_profile_pkg::ERROR_257B,
  // Derived, not for overriding: slot starts per word at most, and field widths.
  localparam int NPOP = (WORD_BITS + SLOT_BITS - 1) / SLOT_BITS,
  localparam int KW   = $clog2(WORDS_PER_FRAME),
  localparam int OFFW = $clog2(SLOT_BITS),
  localparam int NB   = 2 ** $clog2(NPOP > CLIENT_LANES ? NPOP : CLIENT_LANES)   // FIFO banks
) (
  input  wire logic                        clk,
  input  wire logic                        rst,
  input  wire logic [CLIENT_LANES-1:0]     client_valid,
  input  wire logic [257*CLIENT_LANES-1:0] client_block,
  output logic                             frame_start,
  output logic [13:0]                      cm,
  output logic [47:0]                      jc,
  output logic [7:0]                       stat,
  output logic                             d_valid,
  output logic [KW-1:0]                    d_k,
  output logic [OFFW-1:0]                  d_off,
  output logic [NPOP-1:0]                  d_start,
  output logic [257*NPOP-1:0]              d_blk,
  output logic [31:0]                      underflow_count,
  output logic [31:0]                      overflow_count
);

  import physec_crc_pkg::*;

  if (SLOT_BITS != 257 || WORD_BITS < SLOT_BITS - 1 || HEADER_WORDS < 1 ||
      WORDS_PER_FRAME <= HEADER_WORDS + 1 || N_SLOTS < 1 || N_SLOTS >= (1 << 14) ||
      FIFO_TARGET <= 0 || FIFO_TARGET >= FIFO_DEPTH || CLIENT_LANES < 1 ||
      FIFO_DEPTH % NB != 0 || FIFO_DEPTH < 2 * NB) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_gmp_map: illegal parameters: need SLOT_BITS = 257 <= WORD_BITS+1, 1 <= HEADER_WORDS <= WORDS_PER_FRAME-2, 1 <= N_SLOTS < 16384, 0 < FIFO_TARGET < FIFO_DEPTH, CLIENT_LANES >= 1, FIFO_DEPTH a multiple of NB and >= 2 * NB (NB = the power of two >= slots per word and >= CLIENT_LANES)");
`else
    $fatal(1, "physec_gmp_map: illegal parameters: need SLOT_BITS = 257 <= WORD_BITS+1, 1 <= HEADER_WORDS <= WORDS_PER_FRAME-2, 1 <= N_SLOTS < 16384, 0 < FIFO_TARGET < FIFO_DEPTH, CLIENT_LANES >= 1, FIFO_DEPTH a multiple of NB and >= 2 * NB (NB = the power of two >= slots per word and >= CLIENT_LANES)");
`endif
  end

  localparam int PW = $clog2(FIFO_DEPTH);        // FIFO pointer
  localparam int LW = $clog2(FIFO_DEPTH + 1);    // FIFO level 0 .. FIFO_DEPTH
  localparam int JW = $clog2(N_SLOTS + 2);       // next slot number 1 .. N_SLOTS + 1
  localparam int AW = $clog2(2 * N_SLOTS);       // accumulator + Cm < 2 * N_SLOTS
  localparam logic [13:0] I_MASK   = 14'h1555;   // C2, C4 .. C14
  localparam logic [13:0] D_MASK   = 14'h2AAA;   // C1, C3 .. C13
  localparam logic [13:0] ALL_MASK = 14'h3FFF;

  // ---- Functions.  (Constant part selects stay out of always_comb: Icarus 11 only
  // approximates their sensitivity.)

  function automatic logic [PW-1:0] wrap(input int x);   // x < 2 * FIFO_DEPTH
    return PW'(x >= FIFO_DEPTH ? x - FIFO_DEPTH : x);
  endfunction

  // Spec 4.3: Cm(t) from the level at the frame's first clock.
  function automatic logic [13:0] cm_rule(input logic [LW-1:0] level);
    int v;
    v = CM_INIT + int'(level) - FIFO_TARGET;
    return 14'(v < 0 ? 0 : v > N_SLOTS ? N_SLOTS : v);
  endfunction

  // Spec 4.4 = physec.gmp.jc_encode.  Compared in 15 bits, so no step wraps around.
  function automatic logic [47:0] jc_encode(input logic [13:0] c_now, input logic [13:0] c_prev,
                                            input logic [9:0] cnd);
    logic [14:0] now, prev;
    logic [13:0] c;
    logic [1:0]  iidi;
    logic [15:0] jc12;
    logic [7:0]  jc3;
    logic [4:0]  crc5;
    now  = {1'b0, c_now};
    prev = {1'b0, c_prev};
    if (now == prev)              begin c = c_now;             iidi = 2'b00; end
    else if (now == prev + 15'd1) begin c = c_prev ^ I_MASK;   iidi = 2'b10; end
    else if (now == prev + 15'd2) begin c = c_prev ^ ALL_MASK; iidi = 2'b10; end
    else if (now + 15'd1 == prev) begin c = c_prev ^ D_MASK;   iidi = 2'b01; end
    else if (now + 15'd2 == prev) begin c = c_prev ^ ALL_MASK; iidi = 2'b01; end
    else                          begin c = c_now;             iidi = 2'b11; end
    jc12 = {c, iidi};                     // JC1 = C1..C8, JC2 = C9..C14, II, DI
    jc3  = crc8_jc(jc12);
    crc5 = crc5_jc(cnd);
    return {jc12, jc3, 3'b000, cnd[9:5], 3'b000, cnd[4:0], 3'b000, crc5};
  endfunction

  function automatic logic [31:0] sat_add(input logic [31:0] cnt, input int inc);
    logic [32:0] s;
    s = {1'b0, cnt} + 33'(inc);
    return s[32] ? 32'hFFFF_FFFF : s[31:0];
  endfunction

  // ---- State
  logic [KW-1:0]   k_q;                  // frame clock
  logic [OFFW-1:0] off_q;                // start of the next slot in the current word
  logic [JW-1:0]   j_q;                  // number of the next slot
  logic [AW-1:0]   acc_q;                // slot accumulator
  logic [13:0]     cm_q, cm_prev_q;
  logic [9:0]      cnd_q;
  logic [1:0]      stat_q, flags_q;      // {overflow, underflow}: frame t-1 / so far in t
  logic [47:0]     jc_q;
  logic [PW-1:0]   rd_q, wr_q;
  logic [LW-1:0]   level_q;

  wire logic fs      = (k_q == '0);
  wire logic payload = (int'(k_q) >= HEADER_WORDS);

  // ---- FIFO store (data only, no reset): NB banks, entry a in bank a mod NB, word
  // a / NB.  Since FIFO_DEPTH is a multiple of NB, entry wrap(x) is in bank x mod NB.
  localparam int BD  = FIFO_DEPTH / NB;            // words per bank
  localparam int BAW = (BD > 2) ? $clog2(BD) : 1;  // physec_sdp_ram's address width

  logic [NB-1:0]          bank_we;
  logic [NB-1:0][BAW-1:0] bank_wa, bank_ra;
  logic [NB-1:0][256:0]   bank_wd, bank_rd;

  for (genvar b = 0; b < NB; b++) begin : g_bank
    physec_sdp_ram #(.WIDTH(257), .DEPTH(BD), .RD_LATENCY(0)) u_ram (
      .clk   (clk),
      .we    (bank_we[b]),
      .waddr (bank_wa[b]),
      .wdata (bank_wd[b]),
      .raddr (bank_ra[b]),
      .rdata (bank_rd[b]));
    // The head entry in this bank: rd_q + e with (rd_q + e) mod NB = b.
    assign bank_ra[b] = BAW'(int'(wrap(int'(rd_q) + (b - int'(rd_q) % NB + NB) % NB)) / NB);
  end

  // ---- FIFO heads: the entries the data slots of this clock may pop, in order.
  logic [NPOP-1:0][256:0] head;
  for (genvar e = 0; e < NPOP; e++) begin : g_head
    assign head[e] = bank_rd[(int'(rd_q) + e) % NB];
  end

  // ---- Slots starting in this word (lanes in line order) and what they carry.
  logic [NPOP-1:0]        st, dat;
  logic [NPOP-1:0][256:0] lane;
  logic [AW-1:0]          acc_n, acc_i, sum_i;
  int                     n_start, n_dat, n_pop;

  always_comb begin
    acc_i   = acc_q;
    n_start = 0;
    n_dat   = 0;
    for (int i = 0; i < NPOP; i++) begin
      st[i]  = payload && (int'(off_q) + i * SLOT_BITS < WORD_BITS) && (int'(j_q) + i <= N_SLOTS);
      sum_i  = acc_i + AW'(cm_q);
      dat[i] = st[i] && (int'(sum_i) >= N_SLOTS);
      if (st[i]) acc_i = dat[i] ? AW'(int'(sum_i) - N_SLOTS) : sum_i;
      lane[i] = '0;
      if (dat[i]) lane[i] = (n_dat < int'(level_q)) ? head[n_dat] : ERROR_257B;
      n_start += int'(st[i]);
      n_dat   += int'(dat[i]);
    end
    acc_n = acc_i;
    n_pop = (n_dat < int'(level_q)) ? n_dat : int'(level_q);
  end

  // ---- Client writes: the valid lanes in order, as many as there is room for.
  logic [CLIENT_LANES-1:0]         wr_en;
  logic [CLIENT_LANES-1:0][PW-1:0] wr_idx;
  int                              n_offer, n_acc;

  always_comb begin
    n_offer = 0;
    for (int i = 0; i < CLIENT_LANES; i++) begin
      wr_en[i]  = client_valid[i] && (n_offer < FIFO_DEPTH - int'(level_q));
      wr_idx[i] = wrap(int'(wr_q) + n_offer);
      n_offer  += int'(client_valid[i]);
    end
    n_acc = (n_offer < FIFO_DEPTH - int'(level_q)) ? n_offer : FIFO_DEPTH - int'(level_q);
  end

  wire logic [1:0] events = {n_acc != n_offer, n_pop != n_dat};   // {overflow, underflow}

  // Each accepted lane to the bank of its entry (distinct banks: the entries of one clock
  // are consecutive and CLIENT_LANES <= NB).  The defaults are lane 0's data and bank 0's
  // word of the write pointer, so that with NB = 1 no mux sits in front of the RAM.
  wire logic [CLIENT_LANES-1:0][256:0] cl_blk = client_block;

  always_comb begin
    for (int b = 0; b < NB; b++) begin
      bank_we[b] = 1'b0;
      bank_wa[b] = BAW'(int'(wr_q) / NB);
      bank_wd[b] = cl_blk[0];
    end
    for (int i = 0; i < CLIENT_LANES; i++) begin
      if (wr_en[i] && !rst) begin
        bank_we[int'(wr_idx[i]) % NB] = 1'b1;
        bank_wa[int'(wr_idx[i]) % NB] = BAW'(int'(wr_idx[i]) / NB);
        bank_wd[int'(wr_idx[i]) % NB] = cl_blk[i];
      end
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      k_q             <= '0;
      off_q           <= '0;
      j_q             <= JW'(1);
      acc_q           <= '0;
      cm_q            <= '0;            // so that Cm' = 0 for frame 0
      cm_prev_q       <= '0;
      cnd_q           <= '0;
      stat_q          <= '0;
      flags_q         <= '0;
      jc_q            <= '0;
      rd_q            <= '0;
      wr_q            <= '0;
      level_q         <= '0;
      underflow_count <= '0;
      overflow_count  <= '0;
    end else begin
      k_q     <= (int'(k_q) == WORDS_PER_FRAME - 1) ? '0 : k_q + 1'b1;
      rd_q    <= wrap(int'(rd_q) + n_pop);
      wr_q    <= wrap(int'(wr_q) + n_acc);
      level_q <= LW'(int'(level_q) + n_acc - n_pop);
      underflow_count <= sat_add(underflow_count, n_dat - n_pop);
      overflow_count  <= sat_add(overflow_count, n_offer - n_acc);
      if (fs) begin
        cm_q      <= cm_rule(level_q);
        cm_prev_q <= cm_q;
        cnd_q     <= (int'(level_q) > 1023) ? 10'd1023 : 10'(level_q);
        stat_q    <= flags_q;
        flags_q   <= events;
        acc_q     <= '0;
        off_q     <= '0;
        j_q       <= JW'(1);
      end else begin
        flags_q <= flags_q | events;
        if (payload && int'(j_q) <= N_SLOTS) begin
          acc_q <= acc_n;
          j_q   <= JW'(int'(j_q) + n_start);
          off_q <= OFFW'(int'(off_q) + n_start * SLOT_BITS - WORD_BITS);
        end
      end
      if (int'(k_q) == 1) jc_q <= jc_encode(cm_q, cm_prev_q, cnd_q);
    end
  end

  // ---- Descriptor of this word, one clock later.
  always_ff @(posedge clk) begin
    if (rst) begin
      d_valid <= 1'b0;
    end else begin
      d_valid <= 1'b1;
    end
    d_k     <= k_q;
    d_off   <= off_q;
    d_start <= st;
    d_blk   <= lane;
  end

  assign frame_start = fs;
  assign cm          = cm_q;
  assign jc          = jc_q;
  assign stat        = {6'b0, stat_q};

`ifndef SYNTHESIS
  // ---- Simulation checks (tb/assertions proves each one fires).  The client-side
  // overflow and the slot-side underflow are legal, counted events (STAT); what must
  // never happen is the FIFO store itself going past full or below empty, which shows
  // as a level out of range or a level that disagrees with the pointers.  X test: the
  // XOR of the bits is X (Icarus 11's $isunknown misjudges concatenations over 64 bits).
  logic sa_rst_seen;                    // outputs are checked once a reset was applied (X before)
  always @(posedge clk) begin
    if (rst) sa_rst_seen <= 1'b1;
    if (!rst && int'(level_q) > FIFO_DEPTH)
      $error("physec_gmp_map: FIFO overflow (level %0d > FIFO_DEPTH %0d)", level_q, FIFO_DEPTH);
    if (!rst && int'(level_q) <= FIFO_DEPTH && wrap(int'(rd_q) + int'(level_q)) != wr_q)
      $error("physec_gmp_map: FIFO underflow (level %0d disagrees with read %0d / write %0d pointers)",
             level_q, rd_q, wr_q);
    if (!rst && sa_rst_seen && (((^{frame_start, cm, jc, stat, d_valid, underflow_count, overflow_count}) === 1'bx) ||
                                (d_valid && ((^{d_k, d_off, d_start}) === 1'bx))))
      $error("physec_gmp_map: X/Z on an output after reset");
  end
`endif

endmodule

`default_nettype wire
