// SPDX-License-Identifier: Apache-2.0
//
// physec_frame_tx: transmit side of the `gmp` and `frame` stages (spec 4, 5): client
// 257b blocks in, line words out.  This module = the model's physec.frame.FrameTx /
// frame_tx (with physec.gmp.GmpMapper), bit for bit and clock for clock:
//
//   physec_gmp_map --descriptor--> physec_pipe (2 clocks) --> physec_slot_gearbox --+--> line_word
//         |  cm, jc, stat, frame_start                        physec_framer (header) --+
//
// Ports (rst: synchronous, active high):
//   client_valid[CLIENT_LANES-1:0], client_block[257*CLIENT_LANES-1:0]
//                 client 257b blocks, lane i in client_block[257*i +: 257], each the
//                 IEEE vector tx_xcoded<256:0> (bit 0 = first transmitted).  Valid lanes
//                 are taken in lane order.  No back-pressure: a block offered when the
//                 FIFO is full is dropped and counted (spec 4.3).  100g: 1 lane.
//   pad[PAD_BITS-1:0]  PAD bytes of the frame that begins, line order: pad[PAD_BITS-1]
//                 = MSB of PAD byte 0 = first transmitted bit.  Sampled in the clock in
//                 which frame_start is high.
//   frame_start   high in the first clock of each frame in the mapper's time base:
//                 clock 0 after reset (the first clock with rst low) starts frame 0,
//                 frame t starts at clock t*WORDS_PER_FRAME.  Also high during rst.
//   line_valid    0 for the first LATENCY clocks after reset, then 1 in every clock.
//   line_word[WORD_BITS-1:0]  one line word per clock, bit WORD_BITS-1 first transmitted
//                 (line bits [WORD_BITS*k, WORD_BITS*k + WORD_BITS) of frame word k).
//                 Frame clock k's word appears LATENCY = 4 clocks later.
//   line_sof      line_word is word 0 of a frame (its AM starts in bit WORD_BITS-1).
//   cm[13:0]      Cm of the frame whose words are on line_word: changes in the clock in
//                 which line_sof is high (0 before the first line_sof).
//   underflow_count, overflow_count  32-bit, saturating at 32'hFFFFFFFF, in the mapper's
//                 time base: data slots sent as ERROR_257B for an empty FIFO / client
//                 blocks refused for a full one.
//
// Geometry: every parameter defaults to physec_profile_pkg (the 100g profile); another
// profile is a parameter override of all of them (AM_LINE too), e.g. 400g with
// CLIENT_LANES = 4.  Illegal combinations stop elaboration.
//
// Timing (at 100g one word per clock is 412.7 MHz): the hard paths are the mapper's
// FIFO read (FIFO_DEPTH:1 x 257 per slot lane) and the gearbox barrel shifter
// (log2(SLOT_BITS) levels over WORD_BITS + SLOT_BITS - 1 bits); with several slots per
// word (400g: 4) also the mapper's chain of accumulator steps and its 4 read / 4 write
// FIFO ports.  The per-frame Cm, JC and OH/CRC-16 logic each have a clock of their own;
// the 2-clock descriptor delay is what gives the header those clocks, and the place to
// add pipeline stages (LATENCY = mapper register + DESC_DELAY + output register).

`default_nettype none

// The top of the transmit frame path; stands alone in a lint run over all of rtl/.
/* verilator lint_off MULTITOP */
module physec_frame_tx #(
  parameter int FRAME_BITS      = physec_profile_pkg::FRAME_BITS,
  parameter int WORD_BITS       = physec_profile_pkg::WORD_BITS,
  parameter int WORDS_PER_FRAME = physec_profile_pkg::WORDS_PER_FRAME,
  parameter int AM_BITS         = physec_profile_pkg::AM_BITS,
  parameter int PAD_BITS        = physec_profile_pkg::PAD_BITS,
  parameter int OH_BITS         = physec_profile_pkg::OH_BITS,
  parameter int HEADER_BITS     = physec_profile_pkg::HEADER_BITS,
  parameter int HEADER_WORDS    = physec_profile_pkg::HEADER_WORDS,
  parameter int SLOT_BITS       = physec_profile_pkg::SLOT_BITS,
  parameter int N_SLOTS         = physec_profile_pkg::N_SLOTS,
  parameter int FILL_BITS       = physec_profile_pkg::FILL_BITS,
  parameter int CM_INIT         = physec_profile_pkg::CM_INIT,
  parameter int FIFO_DEPTH      = physec_profile_pkg::FIFO_DEPTH,
  parameter int FIFO_TARGET     = physec_profile_pkg::FIFO_TARGET,
  parameter int OH_MFAS         = physec_profile_pkg::OH_MFAS,
  parameter int OH_STAT         = physec_profile_pkg::OH_STAT,
  parameter int OH_JC           = physec_profile_pkg::OH_JC,
  parameter int CLIENT_LANES    = 1,
  parameter logic [AM_BITS-1:0] AM_LINE    = physec_profile_pkg::AM_LINE,
  parameter logic [256:0]       ERROR_257B = physec_profile_pkg::ERROR_257B
) (
  input  wire logic                        clk,
  input  wire logic                        rst,
  input  wire logic [CLIENT_LANES-1:0]     client_valid,
  input  wire logic [257*CLIENT_LANES-1:0] client_block,
  input  wire logic [PAD_BITS-1:0]         pad,
  output logic                             frame_start,
  output logic                             line_valid,
  output logic [WORD_BITS-1:0]             line_word,
  output logic                             line_sof,
  output logic [13:0]                      cm,
  output logic [31:0]                      underflow_count,
  output logic [31:0]                      overflow_count
);
/* verilator lint_on MULTITOP */

  // The frame geometry of physec.profile.Profile.validate, plus what this RTL needs.
  // AM_LINE's first byte is never zero: catches an AM_BITS override without AM_LINE.
  if (FRAME_BITS != WORDS_PER_FRAME * WORD_BITS || HEADER_BITS != AM_BITS + PAD_BITS + OH_BITS ||
      HEADER_BITS != HEADER_WORDS * WORD_BITS || PAD_BITS % 8 != 0 || AM_BITS % 8 != 0 ||
      SLOT_BITS != 257 || SLOT_BITS - 1 > WORD_BITS ||
      FILL_BITS != FRAME_BITS - HEADER_BITS - N_SLOTS * SLOT_BITS ||
      FILL_BITS < 0 || FILL_BITS >= SLOT_BITS || CM_INIT < 0 || CM_INIT > N_SLOTS ||
      AM_LINE[AM_BITS-1 -: 8] == 8'h00) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_frame_tx: illegal profile: need FRAME_BITS = WORDS_PER_FRAME*WORD_BITS, HEADER_BITS = AM_BITS+PAD_BITS+OH_BITS = HEADER_WORDS*WORD_BITS, SLOT_BITS = 257 <= WORD_BITS+1, FILL_BITS = FRAME_BITS-HEADER_BITS-N_SLOTS*SLOT_BITS in [0, SLOT_BITS), CM_INIT in [0, N_SLOTS], AM_LINE overridden together with AM_BITS");
`else
    $fatal(1, "physec_frame_tx: illegal profile: need FRAME_BITS = WORDS_PER_FRAME*WORD_BITS, HEADER_BITS = AM_BITS+PAD_BITS+OH_BITS = HEADER_WORDS*WORD_BITS, SLOT_BITS = 257 <= WORD_BITS+1, FILL_BITS = FRAME_BITS-HEADER_BITS-N_SLOTS*SLOT_BITS in [0, SLOT_BITS), CM_INIT in [0, N_SLOTS], AM_LINE overridden together with AM_BITS");
`endif
  end

  localparam int NPOP    = (WORD_BITS + SLOT_BITS - 1) / SLOT_BITS;
  localparam int KW      = $clog2(WORDS_PER_FRAME);
  localparam int OFFW    = $clog2(SLOT_BITS);
  localparam int DW      = KW + OFFW + NPOP + 257 * NPOP;
  localparam int DESC_DELAY = 2;         // header needs frame clocks 0 (Cm), 1 (JC), 2 (OH);
                                         // LATENCY = 1 + DESC_DELAY + 1 = 4

  // ---- Mapper: time base, FIFO, Cm, JC, STAT, word descriptors.
  logic [13:0]      map_cm;
  logic [47:0]      map_jc;
  logic [7:0]       map_stat;
  logic             d_valid;
  logic [KW-1:0]    d_k;
  logic [OFFW-1:0]  d_off;
  logic [NPOP-1:0]  d_start;
  logic [257*NPOP-1:0] d_blk;

  physec_gmp_map #(
    .WORD_BITS      (WORD_BITS),
    .WORDS_PER_FRAME(WORDS_PER_FRAME),
    .HEADER_WORDS   (HEADER_WORDS),
    .SLOT_BITS      (SLOT_BITS),
    .N_SLOTS        (N_SLOTS),
    .CM_INIT        (CM_INIT),
    .FIFO_DEPTH     (FIFO_DEPTH),
    .FIFO_TARGET    (FIFO_TARGET),
    .CLIENT_LANES   (CLIENT_LANES),
    .ERROR_257B     (ERROR_257B)
  ) u_map (
    .clk            (clk),
    .rst            (rst),
    .client_valid   (client_valid),
    .client_block   (client_block),
    .frame_start    (frame_start),
    .cm             (map_cm),
    .jc             (map_jc),
    .stat           (map_stat),
    .d_valid        (d_valid),
    .d_k            (d_k),
    .d_off          (d_off),
    .d_start        (d_start),
    .d_blk          (d_blk),
    .underflow_count(underflow_count),
    .overflow_count (overflow_count)
  );

  // ---- Descriptor delay: word k reaches the output stage in clock k + 3.
  logic          q_valid;
  logic [DW-1:0] q_data;

  physec_pipe #(
    .WIDTH(DW),
    .DEPTH(DESC_DELAY)
  ) u_dly (
    .clk      (clk),
    .rst      (rst),
    .in_valid (d_valid),
    .in_data  ({d_k, d_off, d_start, d_blk}),
    .out_valid(q_valid),
    .out_data (q_data)
  );

  wire logic [KW-1:0]       q_k     = q_data[DW-1 -: KW];
  wire logic [OFFW-1:0]     q_off   = q_data[DW-KW-1 -: OFFW];
  wire logic [NPOP-1:0]     q_start = q_data[257*NPOP +: NPOP];
  wire logic [257*NPOP-1:0] q_blk   = q_data[257*NPOP-1:0];
  wire logic                q_payload = (int'(q_k) >= HEADER_WORDS);
  wire logic                q_sof     = q_valid && (q_k == '0);

  // ---- Header words and payload words.
  logic [WORD_BITS-1:0] hdr_word, pay_word;

  physec_framer #(
    .WORD_BITS      (WORD_BITS),
    .WORDS_PER_FRAME(WORDS_PER_FRAME),
    .AM_BITS        (AM_BITS),
    .PAD_BITS       (PAD_BITS),
    .OH_BITS        (OH_BITS),
    .HEADER_WORDS   (HEADER_WORDS),
    .OH_MFAS        (OH_MFAS),
    .OH_STAT        (OH_STAT),
    .OH_JC          (OH_JC),
    .AM_LINE        (AM_LINE)
  ) u_framer (
    .clk        (clk),
    .rst        (rst),
    .frame_start(frame_start),
    .pad        (pad),
    .stat       (map_stat),
    .jc         (map_jc),
    .word_k     (q_k),
    .hdr_word   (hdr_word)
  );

  physec_slot_gearbox #(
    .WORD_BITS(WORD_BITS),
    .SLOT_BITS(SLOT_BITS)
  ) u_gearbox (
    .clk       (clk),
    .rst       (rst),
    .in_valid  (q_valid),
    .in_payload(q_payload),
    .in_off    (q_off),
    .in_start  (q_start),
    .in_blk    (q_blk),
    .word      (pay_word)
  );

  // ---- Output register.  The mapper's Cm of this frame is valid from its clock 1 to
  // the next frame's clock 0, which includes clock 3, where q_sof is.
  always_ff @(posedge clk) begin
    if (rst) begin
      line_valid <= 1'b0;
      line_sof   <= 1'b0;
      cm         <= '0;
    end else begin
      line_valid <= q_valid;
      line_sof   <= q_sof;
      if (q_sof) cm <= map_cm;
    end
    line_word <= q_payload ? pay_word : hdr_word;
  end

endmodule

`default_nettype wire
