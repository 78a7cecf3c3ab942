// SPDX-License-Identifier: Apache-2.0
//
// physec_framer: the frame header AM | PAD | OH as line words (spec 5.1-5.4).  Equals
// the header part of the model's physec.frame.build_frame with the OH of
// physec.frame.oh_encode: byte OH_MFAS = frame index mod 256, OH_STAT = STAT,
// OH_JC.. = JC1..JC6, other bytes 0, the last two = CRC-16/CCITT-FALSE over the
// others, big-endian.
//
// Ports (rst: synchronous, active high):
//   frame_start   frame clock 0 in the mapper's time base (physec_gmp_map).
//   pad[PAD_BITS-1:0]  the PAD of the frame that begins, line order (pad[PAD_BITS-1]
//                 = first transmitted bit = MSB of PAD byte 0); sampled with frame_start.
//   stat[7:0], jc[47:0]  STAT and JC1..JC6 (JC1 = jc[47:40]) of the frame, from the
//                 mapper; sampled in frame clock 2 (valid then, see physec_gmp_map).
//   word_k        index of the header word wanted, 0 .. HEADER_WORDS-1, in frame
//                 clocks 3 .. HEADER_WORDS+2 (the top's descriptor delay).
//   hdr_word[WORD_BITS-1:0]  combinational: header word word_k, bit WORD_BITS-1 first
//                 transmitted (header bits [WORD_BITS*word_k, WORD_BITS*word_k + WORD_BITS)).
//
// Timing: the OH (its CRC-16 is a linear XOR network of the MFAS, STAT and JC bits) is
// computed once per frame, in frame clock 2, into a register; the word select is a
// HEADER_WORDS:1 mux.  PAD and OH registers hold until the next frame's clocks 0 and 2,
// which is after the last header word (HEADER_WORDS + 2 <= WORDS_PER_FRAME).

`default_nettype none

module physec_framer #(
  parameter int WORD_BITS       = physec_profile_pkg::WORD_BITS,
  parameter int WORDS_PER_FRAME = physec_profile_pkg::WORDS_PER_FRAME,
  parameter int AM_BITS         = physec_profile_pkg::AM_BITS,
  parameter int PAD_BITS        = physec_profile_pkg::PAD_BITS,
  parameter int OH_BITS         = physec_profile_pkg::OH_BITS,
  parameter int HEADER_WORDS    = physec_profile_pkg::HEADER_WORDS,
  parameter int OH_MFAS         = physec_profile_pkg::OH_MFAS,
  parameter int OH_STAT         = physec_profile_pkg::OH_STAT,
  parameter int OH_JC           = physec_profile_pkg::OH_JC,
  parameter logic [AM_BITS-1:0] AM_LINE = physec_profile_pkg::AM_LINE,
  localparam int KW = $clog2(WORDS_PER_FRAME)
) (
  input  wire logic                 clk,
  input  wire logic                 rst,
  input  wire logic                 frame_start,
  input  wire logic [PAD_BITS-1:0]  pad,
  input  wire logic [7:0]           stat,
  input  wire logic [47:0]          jc,
  input  wire logic [KW-1:0]        word_k,
  output logic      [WORD_BITS-1:0] hdr_word
);

  import physec_crc_pkg::*;

  localparam int HEADER_BITS = AM_BITS + PAD_BITS + OH_BITS;
  localparam int OH_BYTES    = OH_BITS / 8;

  if (HEADER_BITS != HEADER_WORDS * WORD_BITS || OH_BITS % 8 != 0 || OH_BYTES < 10 ||
      OH_MFAS < 0 || OH_MFAS >= OH_BYTES - 2 || OH_STAT < 0 || OH_STAT >= OH_BYTES - 2 ||
      OH_JC < 0 || OH_JC + 6 > OH_BYTES - 2 || HEADER_WORDS + 2 > WORDS_PER_FRAME ||
      OH_BYTES - 2 > CRC16_MAXB) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_framer: illegal header geometry (AM+PAD+OH = HEADER_WORDS*WORD_BITS, OH >= 10 whole bytes, fields inside OH, HEADER_WORDS + 2 <= WORDS_PER_FRAME, OH <= CRC16_MAXB + 2 bytes)");
`else
    $fatal(1, "physec_framer: illegal header geometry (AM+PAD+OH = HEADER_WORDS*WORD_BITS, OH >= 10 whole bytes, fields inside OH, HEADER_WORDS + 2 <= WORDS_PER_FRAME, OH <= CRC16_MAXB + 2 bytes)");
`endif
  end

  // The OH CRC-16 over OH bytes 0 .. OH_BYTES-3, in matrix form.
  localparam logic [16*CRC16_MW-1:0] OH_CRC_M = crc16_oh_matrix(OH_BYTES - 2);

  // OH byte n is oh[OH_BITS-1-8n -: 8] (byte 0 first on the line).  Static, not
  // automatic: Icarus 11 mis-simulates unrelated logic (physec_pipe's output stayed X)
  // when an automatic function with a loop calls the package's CRC function.
  function logic [OH_BITS-1:0] oh_encode(input logic [7:0] mfas, input logic [7:0] st,
                                         input logic [47:0] jc6);
    logic [OH_BITS-1:0] v;
    v = '0;
    v[OH_BITS-1-8*OH_MFAS -: 8] = mfas;
    v[OH_BITS-1-8*OH_STAT -: 8] = st;
    v[OH_BITS-1-8*OH_JC -: 48]  = jc6;
    v[15:0] = crc16_oh_apply(OH_CRC_M, CRC16_OH_INIT, CRC16_DW'(v[OH_BITS-1:16]));
    return v;
  endfunction

  logic [1:0]          fs_d;             // frame_start delayed by 1, 2 clocks
  logic [7:0]          frame_cnt_q;      // index of the next frame, mod 256
  logic [7:0]          mfas_q;
  logic [PAD_BITS-1:0] pad_q;
  logic [OH_BITS-1:0]  oh_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      fs_d        <= '0;
      frame_cnt_q <= '0;
      mfas_q      <= '0;
    end else begin
      fs_d <= {fs_d[0], frame_start};
      if (frame_start) begin
        frame_cnt_q <= frame_cnt_q + 8'd1;
        mfas_q      <= frame_cnt_q;
      end
    end
    if (frame_start) pad_q <= pad;
    if (fs_d[1])     oh_q  <= oh_encode(mfas_q, stat, jc);
  end

  // Header words, word 0 first: hdr_w[HEADER_WORDS-1-h] is word h.
  logic [HEADER_WORDS-1:0][WORD_BITS-1:0] hdr_w;
  assign hdr_w = {AM_LINE, pad_q, oh_q};

  always_comb begin
    hdr_word = '0;
    for (int h = 0; h < HEADER_WORDS; h++) begin
      if (int'(word_k) == h) hdr_word = hdr_w[HEADER_WORDS-1-h];
    end
  end

endmodule

`default_nettype wire
