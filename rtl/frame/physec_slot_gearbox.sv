// SPDX-License-Identifier: Apache-2.0
//
// physec_slot_gearbox: the 257 -> WORD_BITS gearbox of the frame payload (spec 4.2,
// 5.1).  Together with the header words of physec_framer it equals the payload part
// of the model's physec.frame.build_frame: slots back to back after the header, each
// 257 bits with tx_xcoded<0> first, stuff slots zero, FILL_BITS zero bits at the end.
//
// Ports (rst: synchronous, active high, clears the carried bits):
//   in_valid       a word descriptor is present (one per clock in operation).
//   in_payload     the word is a payload word (0: header word, output ignored).
//   in_off         line position (0 = first bit of the word) where lane 0's slot starts.
//   in_start[i]    a slot starts at in_off + i*SLOT_BITS in this word.
//   in_blk[257*i +: 257]  its content, IEEE order: tx_xcoded<256:0>, bit 0 first sent
//                  (a stuff slot is all zero).  Ignored when in_start[i] = 0.
//   word[WORD_BITS-1:0]   combinational: the payload line word, word[WORD_BITS-1] first
//                  transmitted.
//
// Bit order: this is the one place where a 257b block turns from IEEE order into line
// order (spec 2.2): tx_xcoded<0> becomes the slot's first line bit.
//
// How: ext (WORD_BITS + SLOT_BITS - 1 bits, line order from its MSB) = the bits carried
// over from the previous word, then every slot starting here at its position.  The
// word is ext's first WORD_BITS bits; the rest (at most SLOT_BITS - 1 bits, the tail of
// the last slot) is carried into the next word, where it starts at position 0.  After
// the last slot nothing new is added, so the fill bits come out as zeros and the
// carry is empty when the next frame's header begins.
//
// Timing: one barrel shift per lane (in_off: log2(SLOT_BITS) mux levels over
// WORD_BITS + SLOT_BITS - 1 bits) and an OR; the carry loop itself has no shifter.

`default_nettype none

module physec_slot_gearbox #(
  parameter int WORD_BITS = physec_profile_pkg::WORD_BITS,
  parameter int SLOT_BITS = physec_profile_pkg::SLOT_BITS,
  localparam int NPOP = (WORD_BITS + SLOT_BITS - 1) / SLOT_BITS,
  localparam int OFFW = $clog2(SLOT_BITS)
) (
  input  wire logic                       clk,
  input  wire logic                       rst,
  input  wire logic                       in_valid,
  input  wire logic                       in_payload,
  input  wire logic [OFFW-1:0]            in_off,
  input  wire logic [NPOP-1:0]            in_start,
  input  wire logic [SLOT_BITS*NPOP-1:0]  in_blk,
  output logic      [WORD_BITS-1:0]       word
);

  if (SLOT_BITS < 2 || WORD_BITS < SLOT_BITS - 1) begin : g_bad_params
`ifdef __ICARUS__
    initial $fatal(1, "physec_slot_gearbox: need SLOT_BITS - 1 <= WORD_BITS (a slot spans at most two words), got %0d, %0d", SLOT_BITS, WORD_BITS);
`else
    $fatal(1, "physec_slot_gearbox: need SLOT_BITS - 1 <= WORD_BITS (a slot spans at most two words), got %0d, %0d", SLOT_BITS, WORD_BITS);
`endif
  end

  localparam int EXT = WORD_BITS + SLOT_BITS - 1;

  // Slots in line order: line_slot[i][SLOT_BITS-1] = tx_xcoded<0> of lane i.
  logic [NPOP-1:0][SLOT_BITS-1:0] line_slot;
  for (genvar i = 0; i < NPOP; i++) begin : g_lane
    for (genvar b = 0; b < SLOT_BITS; b++) begin : g_bit
      assign line_slot[i][SLOT_BITS-1-b] = in_blk[SLOT_BITS*i + b];
    end
  end

  logic [SLOT_BITS-2:0] carry_q;          // line order, MSB first; zero past its end
  logic [EXT-1:0]       carry_ext;
  logic [EXT-1:0]       ext;

  assign carry_ext = {carry_q, {WORD_BITS{1'b0}}};

  always_comb begin
    ext = carry_ext;
    for (int i = 0; i < NPOP; i++) begin
      if (in_start[i]) begin
        ext = ext | ({line_slot[i], {(EXT - SLOT_BITS){1'b0}}} >> (int'(in_off) + i * SLOT_BITS));
      end
    end
  end

  assign word = ext[EXT-1 -: WORD_BITS];

  always_ff @(posedge clk) begin
    if (rst) begin
      carry_q <= '0;
    end else if (in_valid) begin
      carry_q <= in_payload ? ext[SLOT_BITS-2:0] : '0;
    end
  end

endmodule

`default_nettype wire
